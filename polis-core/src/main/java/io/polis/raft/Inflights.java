package io.polis.raft;

import java.util.ArrayDeque;

/**
 * The AppendRequests sent to one follower and not yet acknowledged, bounded in count and bytes: the
 * flow control that keeps a slow follower from making the leader buffer without limit.
 */
final class Inflights {

  private final int maxCount;
  private final long maxBytes;
  private final ArrayDeque<long[]> sent = new ArrayDeque<>(); // {last index, bytes}
  private long bytes;

  Inflights(int maxCount, long maxBytes) {
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
  }

  void add(long lastIndex, long size) {
    sent.addLast(new long[] {lastIndex, size});
    bytes += size;
  }

  /** Frees every message whose last index is at or below {@code index}: the follower has them. */
  void freeTo(long index) {
    while (!sent.isEmpty() && sent.peekFirst()[0] <= index) {
      bytes -= sent.removeFirst()[1];
    }
  }

  /** Forgets the oldest message in flight, making room for one more. */
  void freeFirstOne() {
    if (!sent.isEmpty()) {
      bytes -= sent.removeFirst()[1];
    }
  }

  boolean full() {
    return sent.size() >= maxCount || bytes >= maxBytes;
  }

  int count() {
    return sent.size();
  }

  void reset() {
    sent.clear();
    bytes = 0;
  }
}
