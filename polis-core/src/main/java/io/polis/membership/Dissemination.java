package io.polis.membership;

import io.polis.node.MemberId;
import io.polis.wire.MemberUpdate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The queue of updates waiting to be piggybacked. At most one update per member waits (a newer one
 * replaces it); those sent fewest times go first; each is dropped after
 * retransmitMultiplier x ceil(log10(n + 1)) sends, enough to reach every member with high probability
 * while the cost per message stays bounded.
 */
final class Dissemination {

  private static final class Entry {
    final MemberUpdate update;
    final long order;
    int transmits;

    Entry(MemberUpdate update, long order) {
      this.update = update;
      this.order = order;
    }
  }

  private final TreeSet<Entry> queue = new TreeSet<>(
      Comparator.<Entry>comparingInt(e -> e.transmits).thenComparingLong(e -> e.order));
  private final Map<MemberId, Entry> byMember = new HashMap<>();
  private final int retransmitMultiplier;
  private long nextOrder;

  Dissemination(int retransmitMultiplier) {
    this.retransmitMultiplier = retransmitMultiplier;
  }

  void enqueue(MemberUpdate update) {
    Entry previous = byMember.remove(update.member());
    if (previous != null) {
      queue.remove(previous);
    }
    Entry entry = new Entry(update, nextOrder++);
    byMember.put(update.member(), entry);
    queue.add(entry);
  }

  /**
   * Takes updates to piggyback on one message.
   *
   * @param max the most to take
   * @param clusterSize the number of live members, for the retransmission limit
   * @return the updates, possibly empty
   */
  List<MemberUpdate> take(int max, int clusterSize) {
    if (queue.isEmpty()) {
      return List.of();
    }
    int limit = retransmitMultiplier * (int) Math.ceil(Math.log10(clusterSize + 1.0));
    List<Entry> taken = new ArrayList<>(Math.min(max, queue.size()));
    while (taken.size() < max && !queue.isEmpty()) {
      taken.add(queue.pollFirst());
    }
    List<MemberUpdate> updates = new ArrayList<>(taken.size());
    for (Entry e : taken) {
      updates.add(e.update);
      e.transmits++;
      if (e.transmits < Math.max(1, limit)) {
        queue.add(e);
      } else {
        byMember.remove(e.update.member());
      }
    }
    return updates;
  }

  int size() {
    return queue.size();
  }
}
