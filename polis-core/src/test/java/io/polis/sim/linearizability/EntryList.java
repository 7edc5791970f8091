package io.polis.sim.linearizability;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A doubly linked list of entries in time order, from which the search lifts an operation (its call and
 * its return) when it linearizes it and into which it puts the operation back when it backtracks. An
 * unlinked entry keeps its own links, so relinking in the reverse order of unlinking restores the list
 * exactly, in constant time ("dancing links").
 */
final class EntryList {

  private @Nullable Entry first;

  /**
   * @param sorted entries already in {@link Entry#byTime} order
   */
  EntryList(List<Entry> sorted) {
    Entry previous = null;
    for (Entry entry : sorted) {
      entry.prev = previous;
      if (previous == null) {
        first = entry;
      } else {
        previous.next = entry;
      }
      previous = entry;
    }
  }

  @Nullable Entry first() {
    return first;
  }

  /** @return the earliest return still listed, which bounds what may be linearized next */
  Entry firstReturn() {
    for (Entry e = first; e != null; e = e.next) {
      if (!e.call) {
        return e;
      }
    }
    throw new IllegalStateException("no completed operation left to linearize");
  }

  void lift(Entry call) {
    unlink(call);
    if (call.match != null) {
      unlink(call.match);
    }
  }

  void unlift(Entry call) {
    if (call.match != null) {
      relink(call.match);
    }
    relink(call);
  }

  private void unlink(Entry e) {
    if (e.prev == null) {
      first = e.next;
    } else {
      e.prev.next = e.next;
    }
    if (e.next != null) {
      e.next.prev = e.prev;
    }
  }

  private void relink(Entry e) {
    if (e.prev == null) {
      first = e;
    } else {
      e.prev.next = e;
    }
    if (e.next != null) {
      e.next.prev = e;
    }
  }
}
