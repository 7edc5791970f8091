package io.polis.transport.netty;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential reconnect backoff with jitter: the n-th consecutive failure waits min * 2^(n-1), capped at
 * max, less a random fifth, so that peers that lost a node at the same moment do not reconnect in step.
 */
final class Backoff {

  private static final double JITTER = 0.2;

  private final long minNanos;
  private final long maxNanos;
  private final RandomGenerator random;

  Backoff(Duration min, Duration max, RandomGenerator random) {
    this.minNanos = min.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  /**
   * Returns the wait before the next attempt.
   *
   * @param failures consecutive failures so far, at least 1
   * @return the delay in nanoseconds, between 80% and 100% of the capped exponential value
   */
  long delayNanos(int failures) {
    int doublings = Math.min(Math.max(failures - 1, 0), 62);
    long exponential = minNanos << Math.min(doublings, Long.numberOfLeadingZeros(minNanos) - 1);
    long capped = Math.min(maxNanos, exponential);
    return capped - (long) (capped * JITTER * random.nextDouble());
  }
}
