package io.polis.membership;

import io.polis.node.MemberId;
import java.util.HashSet;
import java.util.Set;

/**
 * One member under suspicion, with Lifeguard's shrinking timeout: it starts at the maximum and falls
 * toward the minimum, logarithmically, as independent members confirm the suspicion. A suspect that one
 * node alone accuses keeps the long timeout; one that everyone finds silent is declared down quickly.
 */
final class Suspicion {

  private final long incarnation;
  private final long startNanos;
  private final long minNanos;
  private final long maxNanos;
  private final int expectedConfirmations;
  private final Set<MemberId> confirmers = new HashSet<>();
  private long toldAtNanos = Long.MIN_VALUE;

  Suspicion(long incarnation, MemberId accuser, long startNanos, long minNanos, long maxNanos,
      int expectedConfirmations) {
    this.incarnation = incarnation;
    this.startNanos = startNanos;
    this.minNanos = minNanos;
    this.maxNanos = Math.max(minNanos, maxNanos);
    this.expectedConfirmations = expectedConfirmations;
    confirmers.add(accuser);
  }

  long incarnation() {
    return incarnation;
  }

  /**
   * Counts a confirmation.
   *
   * @param source the member that also suspects
   * @return true if it is a new, independent confirmation (the deadline moved)
   */
  boolean confirm(MemberId source) {
    return confirmers.add(source);
  }

  /**
   * Rate-limits telling the suspect: true at most once per {@code periodNanos}.
   *
   * @param nowNanos the current time
   * @param periodNanos the shortest time between two tellings
   * @return whether to tell the suspect now
   */
  boolean shouldTell(long nowNanos, long periodNanos) {
    if (toldAtNanos != Long.MIN_VALUE && nowNanos - toldAtNanos < periodNanos) {
      return false;
    }
    toldAtNanos = nowNanos;
    return true;
  }

  long deadlineNanos() {
    return startNanos + timeoutNanos(confirmers.size() - 1, expectedConfirmations, minNanos, maxNanos);
  }

  /** Lifeguard: max - (max - min) * log(c + 1) / log(k + 1), never below min. */
  static long timeoutNanos(int confirmations, int expected, long min, long max) {
    if (expected < 1) {
      return min;
    }
    double fraction = Math.log(confirmations + 1.0) / Math.log(expected + 1.0);
    long timeout = (long) (max - (max - min) * fraction);
    return Math.max(min, timeout);
  }
}
