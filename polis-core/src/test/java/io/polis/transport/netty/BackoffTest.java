package io.polis.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final long MS = 1_000_000L;

  @Test
  void doublesPerFailureUpToTheMaximum() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), noJitter());
    assertThat(backoff.delayNanos(1)).isEqualTo(100 * MS);
    assertThat(backoff.delayNanos(2)).isEqualTo(200 * MS);
    assertThat(backoff.delayNanos(5)).isEqualTo(1600 * MS);
    assertThat(backoff.delayNanos(8)).isEqualTo(10_000 * MS);
    assertThat(backoff.delayNanos(1_000)).isEqualTo(10_000 * MS);
    assertThat(backoff.delayNanos(Integer.MAX_VALUE)).isEqualTo(10_000 * MS);
  }

  @Test
  void jitterTakesOffAtMostAFifthAndSpreadsTheDelays() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new SplittableRandom(42));
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 1_000; i++) {
      long d = backoff.delayNanos(3);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertThat(min).isGreaterThanOrEqualTo(320 * MS);
    assertThat(max).isLessThanOrEqualTo(400 * MS);
    assertThat(max - min).isGreaterThan(40 * MS);
  }

  private static RandomGenerator noJitter() {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextDouble() {
        return 0;
      }
    };
  }
}
