package io.polis.benchmarks.consensus;

import java.time.Duration;

/**
 * The Raft timing both targets run with, so that failover times compare like with like.
 *
 * @param heartbeat how often the leader sends heartbeats (etcd's {@code --heartbeat-interval})
 * @param electionTimeout how long a follower waits without hearing from a leader before it campaigns
 *     (etcd's {@code --election-timeout}; etcd randomizes it between one and two times this value)
 */
public record ConsensusTiming(Duration heartbeat, Duration electionTimeout) {

  /** etcd's defaults: heartbeat 100 ms, election timeout 1,000 ms. */
  public static final ConsensusTiming DEFAULT =
      new ConsensusTiming(Duration.ofMillis(100), Duration.ofMillis(1_000));

  /** Checks that the heartbeat is positive and shorter than the election timeout. */
  public ConsensusTiming {
    if (heartbeat.isNegative() || heartbeat.isZero() || electionTimeout.compareTo(heartbeat) <= 0) {
      throw new IllegalArgumentException("need 0 < heartbeat < electionTimeout, got " + heartbeat + ", "
          + electionTimeout);
    }
  }

  /**
   * Reads {@code -Dconsensus.heartbeatMs} and {@code -Dconsensus.electionMs}, defaulting to
   * {@link #DEFAULT}.
   *
   * @return the timing to run with
   */
  public static ConsensusTiming fromSystemProperties() {
    return new ConsensusTiming(
        Duration.ofMillis(Long.getLong("consensus.heartbeatMs", DEFAULT.heartbeat().toMillis())),
        Duration.ofMillis(Long.getLong("consensus.electionMs", DEFAULT.electionTimeout().toMillis())));
  }
}
