package io.polis.transport.local;

import java.time.Duration;
import java.util.Objects;

/**
 * How badly a {@link LocalNetwork} treats the messages on a link: loss, duplication, delay and
 * reordering. Immutable and validated; build with {@link #builder()} or start from {@link #NONE}.
 *
 * <p>Every random decision (is this message lost? duplicated? how long does it travel?) is drawn, per
 * message and at send time, from the network's seeded generator, so one seed replays exactly.
 *
 * <p><b>Ordering.</b> By default a connection is FIFO, as the {@link io.polis.transport.Transport}
 * contract promises: a message that draws a short delay waits behind an earlier one that drew a long
 * delay (head-of-line blocking, as on TCP), so jitter changes latency but never order. With
 * {@link Builder#reordering(boolean) reordering} on, each message travels on its own and a spread
 * between {@link #minDelay()} and {@link #maxDelay()} lets later messages overtake earlier ones. This
 * is stronger than the contract and meant for protocols that must survive reordering anyway (after a
 * reconnect, for example). Without a spread nothing can overtake: equal delays keep send order.
 *
 * @param lossProbability chance in [0, 1] that a message silently disappears
 * @param duplicationProbability chance in [0, 1] that a message that is not lost arrives twice (each
 *     copy draws its own delay)
 * @param minDelay shortest time a message travels
 * @param maxDelay longest time a message travels; delays are uniform in [min, max]
 * @param reordering whether messages on one connection may overtake each other
 */
public record NetworkFaults(
    double lossProbability,
    double duplicationProbability,
    Duration minDelay,
    Duration maxDelay,
    boolean reordering) {

  /**
   * Longest delay accepted. A link slower than this is better modelled by blocking it; the cap also keeps
   * delay arithmetic in nanoseconds far from overflow.
   */
  public static final Duration MAX_DELAY = Duration.ofDays(1);

  // After MAX_DELAY: the constructor reads it.
  /** A perfect network: nothing lost, duplicated or delayed; FIFO per connection. */
  public static final NetworkFaults NONE = new NetworkFaults(0, 0, Duration.ZERO, Duration.ZERO, false);

  /** Validates the components. */
  public NetworkFaults {
    requireProbability("lossProbability", lossProbability);
    requireProbability("duplicationProbability", duplicationProbability);
    Objects.requireNonNull(minDelay, "minDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    require(!minDelay.isNegative(), "minDelay must not be negative but was " + minDelay);
    require(maxDelay.compareTo(minDelay) >= 0,
        "maxDelay (" + maxDelay + ") must not be below minDelay (" + minDelay + ")");
    require(maxDelay.compareTo(MAX_DELAY) <= 0, "maxDelay must be at most " + MAX_DELAY + " but was " + maxDelay);
  }

  /**
   * Starts a builder from {@link #NONE}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder(NONE);
  }

  /**
   * Starts a builder from these settings, to change a few of them.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  private static void requireProbability(String name, double value) {
    require(value >= 0 && value <= 1, name + " must be in [0, 1] but was " + value);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("invalid network faults: " + message);
    }
  }

  /** Builds {@link NetworkFaults}; each setter documents what it changes. */
  public static final class Builder {
    private double lossProbability;
    private double duplicationProbability;
    private Duration minDelay;
    private Duration maxDelay;
    private boolean reordering;

    private Builder(NetworkFaults start) {
      lossProbability = start.lossProbability;
      duplicationProbability = start.duplicationProbability;
      minDelay = start.minDelay;
      maxDelay = start.maxDelay;
      reordering = start.reordering;
    }

    /** @param value chance in [0, 1] that a message is lost @return this builder */
    public Builder lossProbability(double value) {
      lossProbability = value;
      return this;
    }

    /** @param value chance in [0, 1] that a message arrives twice @return this builder */
    public Builder duplicationProbability(double value) {
      duplicationProbability = value;
      return this;
    }

    /**
     * Sets a delay drawn uniformly per message from [min, max].
     *
     * @param min the shortest delay
     * @param max the longest delay
     * @return this builder
     */
    public Builder delay(Duration min, Duration max) {
      minDelay = Objects.requireNonNull(min, "min");
      maxDelay = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * Sets the same delay for every message.
     *
     * @param value the delay
     * @return this builder
     */
    public Builder delay(Duration value) {
      return delay(value, value);
    }

    /** @param value whether messages on one connection may overtake each other @return this builder */
    public Builder reordering(boolean value) {
      reordering = value;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the faults
     * @throws IllegalArgumentException naming the first invalid setting
     */
    public NetworkFaults build() {
      return new NetworkFaults(lossProbability, duplicationProbability, minDelay, maxDelay, reordering);
    }
  }
}
