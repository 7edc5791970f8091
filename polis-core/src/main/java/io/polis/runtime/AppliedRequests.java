package io.polis.runtime;

import io.polis.node.MemberId;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which request numbers of each proposer were applied recently, so that a command that reaches the log
 * twice (a forwarded proposal the network duplicated) is applied once. Every member sees the same log,
 * so every member skips the same duplicates.
 *
 * <p>Per proposer it remembers a window of the newest numbers; anything at or below the window's floor
 * counts as seen. A proposer numbers its requests in order, so an old number arriving late is either a
 * duplicate or a request so old its caller has long timed out.
 */
final class AppliedRequests {

  private static final int WINDOW = 4096;

  private final Map<MemberId, Window> windows = new HashMap<>();

  /** Records a request; returns false if it was already applied. */
  boolean firstTime(MemberId origin, long sequence) {
    return windows.computeIfAbsent(origin, k -> new Window()).add(sequence);
  }

  private static final class Window {
    private final TreeSet<Long> seen = new TreeSet<>();
    private long floor;

    boolean add(long sequence) {
      if (sequence <= floor || !seen.add(sequence)) {
        return false;
      }
      if (seen.size() > WINDOW) {
        floor = seen.pollFirst();
      }
      return true;
    }
  }
}
