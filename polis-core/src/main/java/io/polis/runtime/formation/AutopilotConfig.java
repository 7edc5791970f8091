package io.polis.runtime.formation;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the leader's {@link Autopilot}. Immutable; validated.
 *
 * @param targetVoters how many voters the group should have; odd, since an even count tolerates no more
 *     failures than the odd count below it and needs a larger quorum
 * @param deadMemberGrace how long membership must show a member dead (or departed) before autopilot removes
 *     it: long enough that a restart or a short partition does not cost a voter its seat
 * @param catchUpMargin how many entries a learner may lag the leader's last index and still be promoted
 * @param interval how often the leader looks at membership and the configuration
 */
public record AutopilotConfig(int targetVoters, Duration deadMemberGrace, long catchUpMargin, Duration interval) {

  /** Default {@link #targetVoters()}: three voters survive one failure. */
  public static final int DEFAULT_TARGET_VOTERS = 3;
  /** Default {@link #deadMemberGrace()}: long enough for a process restart, as Consul's 10 s default is not. */
  public static final Duration DEFAULT_DEAD_MEMBER_GRACE = Duration.ofSeconds(30);
  /** Default {@link #catchUpMargin()}. */
  public static final long DEFAULT_CATCH_UP_MARGIN = 64;
  /** Default {@link #interval()}. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** Validates the settings. */
  public AutopilotConfig {
    if (targetVoters < 1 || targetVoters % 2 == 0) {
      throw new IllegalArgumentException("targetVoters must be odd and positive (1, 3, 5, ...), was " + targetVoters
          + ": an even number of voters survives no more failures than one fewer, and needs a larger quorum");
    }
    requirePositive("deadMemberGrace", deadMemberGrace);
    requirePositive("interval", interval);
    if (catchUpMargin < 0) {
      throw new IllegalArgumentException("catchUpMargin must not be negative, was " + catchUpMargin);
    }
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /**
   * Returns the defaults: 3 voters, 30 s grace, a margin of 64 entries, a look every second.
   *
   * @return the default settings
   */
  public static AutopilotConfig defaults() {
    return new AutopilotConfig(DEFAULT_TARGET_VOTERS, DEFAULT_DEAD_MEMBER_GRACE, DEFAULT_CATCH_UP_MARGIN,
        DEFAULT_INTERVAL);
  }

  /**
   * Returns a copy with another voter target.
   *
   * @param value an odd number of voters
   * @return the new settings
   */
  public AutopilotConfig withTargetVoters(int value) {
    return new AutopilotConfig(value, deadMemberGrace, catchUpMargin, interval);
  }

  /**
   * Returns a copy with another grace period.
   *
   * @param value the grace period
   * @return the new settings
   */
  public AutopilotConfig withDeadMemberGrace(Duration value) {
    return new AutopilotConfig(targetVoters, value, catchUpMargin, interval);
  }

  /**
   * Returns a copy with another interval.
   *
   * @param value the interval
   * @return the new settings
   */
  public AutopilotConfig withInterval(Duration value) {
    return new AutopilotConfig(targetVoters, deadMemberGrace, catchUpMargin, value);
  }
}
