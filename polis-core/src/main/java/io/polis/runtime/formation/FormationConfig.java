package io.polis.runtime.formation;

import io.polis.node.Address;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a member that has no Raft state yet finds the group's first voters. Immutable.
 *
 * <p>Two modes, as in Consul:
 * <ul>
 *   <li>{@link #staticVoters(List) static voters}: the operator lists the first voters' addresses, the same
 *       list on every first member. A member waits until membership shows a live member at each listed
 *       address; the voters are those members' ids. Every member that sees the same live members derives
 *       the same configuration.
 *   <li>{@link #bootstrapExpect(int) bootstrap-expect N}: a member waits until membership shows at least N
 *       live members running Raft, none of which reports a formed cluster, then takes the N with the
 *       smallest ids. Start no more than N fresh members at first (see docs/operations.md).
 * </ul>
 * In both modes a member that sees a member of a formed cluster does not bootstrap: it waits to be added
 * (by the leader's {@link Autopilot}), and a member that has Raft state of its own never bootstraps again.
 *
 * @param voterAddresses the first voters' addresses in static mode; empty in bootstrap-expect mode
 * @param expect the number of first voters in bootstrap-expect mode; 0 in static mode
 * @param pollInterval how often a waiting member looks at the membership again
 */
public record FormationConfig(List<Address> voterAddresses, int expect, Duration pollInterval) {

  /** Default {@link #pollInterval()}: a few membership gossip rounds' worth of news each time. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);

  /** Validates the settings. */
  public FormationConfig {
    voterAddresses = List.copyOf(Objects.requireNonNull(voterAddresses, "voterAddresses"));
    Objects.requireNonNull(pollInterval, "pollInterval");
    if (voterAddresses.isEmpty() == (expect == 0)) {
      throw new IllegalArgumentException("give either the first voters' addresses or bootstrap-expect, not both"
          + " and not neither (addresses " + voterAddresses + ", expect " + expect + ")");
    }
    if (expect < 0) {
      throw new IllegalArgumentException("bootstrap-expect must be positive, was " + expect);
    }
    if (voterAddresses.size() != voterAddresses.stream().distinct().count()) {
      throw new IllegalArgumentException("the first voters' addresses repeat one: " + voterAddresses);
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
    }
  }

  /**
   * Static mode: the first voters are the members found at these addresses.
   *
   * @param addresses the first voters' advertised addresses, the same list on every first member
   * @return the settings
   */
  public static FormationConfig staticVoters(List<Address> addresses) {
    return new FormationConfig(addresses, 0, DEFAULT_POLL_INTERVAL);
  }

  /**
   * Bootstrap-expect mode: the first voters are the {@code count} fresh members with the smallest ids.
   *
   * @param count how many first voters; odd counts make sense (1, 3, 5)
   * @return the settings
   */
  public static FormationConfig bootstrapExpect(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("bootstrap-expect must be positive, was " + count);
    }
    return new FormationConfig(List.of(), count, DEFAULT_POLL_INTERVAL);
  }

  /**
   * Returns a copy with another poll interval.
   *
   * @param value the interval
   * @return the new settings
   */
  public FormationConfig withPollInterval(Duration value) {
    return new FormationConfig(voterAddresses, expect, value);
  }

  /** @return whether the first voters are listed by address */
  public boolean isStatic() {
    return !voterAddresses.isEmpty();
  }
}
