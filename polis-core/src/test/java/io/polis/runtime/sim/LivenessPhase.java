package io.polis.runtime.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/**
 * The second phase of every seeded Raft run, once the faults have stopped and the cluster is healed: a
 * leader every voter agrees on within a bound, every open request finished within its timeout, and a
 * fresh write and linearizable read through every member, then a last log-matching check.
 */
final class LivenessPhase {

  private LivenessPhase() {}

  static void check(RaftSimCluster cluster, SimClients clients, Duration electionBound, Duration requestTimeout) {
    Duration waited = Duration.ZERO;
    while (cluster.agreedLeader() == null) {
      if (waited.compareTo(electionBound) >= 0) {
        throw new AssertionError("no leader agreed by every voter " + electionBound + " after healing:"
            + cluster.describe());
      }
      cluster.run(Duration.ofMillis(50));
      waited = waited.plus(Duration.ofMillis(50));
    }
    clients.stop();
    cluster.run(requestTimeout.plusSeconds(1));
    assertThat(clients.outstanding()).as("requests still open after the request timeout").isZero();
    // A fresh write and a linearizable read through every member succeed.
    clients.finalRound();
    // A write then a read, each retried (see SimClients.FINAL_ATTEMPTS) within its timeout.
    cluster.run(requestTimeout.multipliedBy(2L * SimClients.FINAL_ATTEMPTS).plusSeconds(1));
    assertThat(clients.finalRoundFailures()).as("final write and reads succeed on a healed cluster:"
        + cluster.describe()).isEmpty();
    cluster.invariants.checkLogMatching(cluster.members);
  }
}
