package io.polis.sim.linearizability;

import java.util.TreeMap;

/**
 * The lowest version answered by a completed operation not yet placed. Versions never decrease, so an
 * order whose state has passed that version can never place the operation: the search drops such an
 * order at once, wherever the operation's return lies, instead of walking on until it comes due.
 *
 * <p>A multiset, updated as the search places and unplaces operations; not thread-safe.
 */
final class VersionFloor {

  private final TreeMap<Long, Integer> counts = new TreeMap<>();

  /** Counts a completed operation as unplaced. */
  void add(Operation completed) {
    counts.merge(versionOf(completed), 1, Integer::sum);
  }

  /** Counts a completed operation as placed. */
  void remove(Operation completed) {
    counts.compute(versionOf(completed), (v, count) -> count == null || count == 1 ? null : count - 1);
  }

  /** @return the lowest version answered by an unplaced completed operation, or {@link Long#MAX_VALUE} */
  long lowest() {
    return counts.isEmpty() ? Long.MAX_VALUE : counts.firstKey();
  }

  private static long versionOf(Operation completed) {
    return ((Outcome.Ok) completed.outcome()).output().version();
  }
}
