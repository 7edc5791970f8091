package io.polis.runtime;

import io.polis.raft.RaftConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link RaftDriver}: how long a tick lasts, how long a request may wait, and the core's own
 * settings in ticks.
 *
 * @param group the Raft group's name
 * @param tickInterval real time per core tick
 * @param requestTimeout how long a proposal or read waits for its outcome before failing with
 *     {@link io.polis.raft.ConsensusTimeoutException}
 * @param raft the core's settings
 * @param snapshots when to snapshot and compact, and how to stream snapshots
 */
public record RaftDriverConfig(String group, Duration tickInterval, Duration requestTimeout, RaftConfig raft,
    SnapshotPolicy snapshots) {

  /** Default {@link #group()}. */
  public static final String DEFAULT_GROUP = "polis";
  /**
   * Default {@link #tickInterval()}: 5 ms, so the default core settings mean heartbeats every 50 ms and
   * election timeouts of 160-305 ms (see docs/benchmarks.md for the measurements behind them).
   */
  public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofMillis(5);
  /** Default {@link #requestTimeout()}. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** Validates the settings. */
  public RaftDriverConfig {
    Objects.requireNonNull(group, "group");
    if (group.isEmpty()) {
      throw new IllegalArgumentException("group must not be empty");
    }
    requirePositive("tickInterval", tickInterval);
    requirePositive("requestTimeout", requestTimeout);
    Objects.requireNonNull(raft, "raft");
    Objects.requireNonNull(snapshots, "snapshots");
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /**
   * Returns the defaults: group {@value #DEFAULT_GROUP}, 5 ms ticks, 5 s request timeout, and
   * {@link RaftConfig#defaults()} (heartbeats every 50 ms, election timeouts of 160-305 ms), and
   * {@link SnapshotPolicy#defaults()}.
   *
   * @return the default settings
   */
  public static RaftDriverConfig defaults() {
    return new RaftDriverConfig(DEFAULT_GROUP, DEFAULT_TICK_INTERVAL, DEFAULT_REQUEST_TIMEOUT, RaftConfig.defaults(),
        SnapshotPolicy.defaults());
  }

  /**
   * Returns a copy with another core configuration.
   *
   * @param value the core settings
   * @return the new settings
   */
  public RaftDriverConfig withRaft(RaftConfig value) {
    return new RaftDriverConfig(group, tickInterval, requestTimeout, value, snapshots);
  }

  /**
   * Returns a copy with another request timeout.
   *
   * @param value the timeout
   * @return the new settings
   */
  public RaftDriverConfig withRequestTimeout(Duration value) {
    return new RaftDriverConfig(group, tickInterval, value, raft, snapshots);
  }

  /**
   * Returns a copy with another tick interval.
   *
   * @param value the interval
   * @return the new settings
   */
  public RaftDriverConfig withTickInterval(Duration value) {
    return new RaftDriverConfig(group, value, requestTimeout, raft, snapshots);
  }

  /**
   * Returns a copy with another snapshot policy.
   *
   * @param value the policy
   * @return the new settings
   */
  public RaftDriverConfig withSnapshots(SnapshotPolicy value) {
    return new RaftDriverConfig(group, tickInterval, requestTimeout, raft, value);
  }
}
