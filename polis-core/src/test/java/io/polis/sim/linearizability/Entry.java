package io.polis.sim.linearizability;

import org.jspecify.annotations.Nullable;

/**
 * One end of an operation's interval in the search: its call or its return, as a node of an
 * {@link EntryList}. Mutable links, because the search unlinks and relinks entries millions of times.
 */
final class Entry {

  /** The operation's index among its key's operations, also its bit in the {@link LinearizedSet}. */
  final int slot;
  final Operation operation;
  /** The invocation time for a call, the response time for a return. */
  final long time;
  final boolean call;
  /** For the call of a completed operation, its return; {@code null} for returns and unknown operations. */
  @Nullable Entry match;
  @Nullable Entry prev;
  @Nullable Entry next;

  private Entry(int slot, Operation operation, long time, boolean call) {
    this.slot = slot;
    this.operation = operation;
    this.time = time;
    this.call = call;
  }

  static Entry callOf(int slot, Operation operation) {
    return new Entry(slot, operation, operation.invokeNanos(), true);
  }

  static Entry returnOf(Entry call) {
    Entry ret = new Entry(call.slot, call.operation, call.operation.responseNanos(), false);
    call.match = ret;
    return ret;
  }

  /**
   * Orders entries by time; at equal times calls go first, so that intervals that only touch count as
   * concurrent (see {@link Operation}).
   */
  static int byTime(Entry a, Entry b) {
    int c = Long.compare(a.time, b.time);
    if (c != 0) {
      return c;
    }
    c = Boolean.compare(b.call, a.call);
    return c != 0 ? c : Integer.compare(a.slot, b.slot);
  }

  @Override
  public String toString() {
    return (call ? "call " : "return ") + operation;
  }
}
