package io.polis.runtime.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.ReadConsistency;
import io.polis.kv.KvStateMachine;
import io.polis.runtime.RaftDriverConfig;
import io.polis.sim.Simulation;
import io.polis.sim.linearizability.CheckResult;
import io.polis.sim.linearizability.HistoryRecorder;
import io.polis.sim.linearizability.LinearizabilityChecker;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded runs of 3- and 5-member groups under crashes, restarts, pauses, partitions of every shape, loss,
 * duplication and reordering, most with snapshots every few entries (so lagging members are sent
 * snapshots in chunks, resumed and retried), with the Raft invariants checked after every simulated task; then, with
 * the faults gone, a leader must be elected and every request must finish (liveness); then the clients'
 * history must be linearizable.
 *
 * <p>CI runs {@value #CI_SEEDS} seeds; {@code -Dpolis.sim.scale=10} runs ten times as many, and
 * {@code -Dpolis.sim.seed=N} replays one.
 */
class RaftSimulationTest {

  static final int CI_SEEDS = 2000;
  private static final Duration FAULT_PHASE = Duration.ofSeconds(4);
  private static final Duration ELECTION_BOUND = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  @Test
  void safetyLivenessAndLinearizabilityUnderFaults() {
    long[] totals = new long[2];
    Simulation.seeds(CI_SEEDS).forEach(seed -> {
      long started = System.nanoTime();
      SimClients clients = runSeed(seed, ReadConsistency.LINEARIZABLE);
      long millis = (System.nanoTime() - started) / 1_000_000;
      if (millis > 2_000) {
        System.out.printf("Raft simulation: seed %d took %d ms of wall time%n", seed, millis);
      }
      totals[0] += clients.completed;
      totals[1]++;
    });
    System.out.printf("Raft simulation: %d seeds, %d client operations completed%n", totals[1], totals[0]);
    // One seed may see no operation complete (a partition leaving no majority for the whole fault
    // phase); across seeds the clients must get plenty done, or the checker had nothing to check.
    if (totals[1] >= 100) {
      assertThat(totals[0]).as("client operations completed over all seeds").isGreaterThanOrEqualTo(10 * totals[1]);
    }
  }

  /**
   * The whole pipeline can fail: with reads served from each member's local state (possibly stale), some
   * seed's history is not linearizable and the checker says so.
   */
  @Test
  void theCheckerCatchesStaleReadsInTheSimulator() {
    long found = java.util.stream.LongStream.rangeClosed(1, 300).filter(seed -> {
      Simulation sim = new Simulation(seed);
      try {
        return runScenario(sim, ReadConsistency.LOCAL).verdict() == CheckResult.Verdict.NOT_LINEARIZABLE;
      } catch (AssertionError e) {
        return false;
      }
    }).findFirst().orElse(-1);
    assertThat(found).as("a seed whose stale reads the checker rejects").isPositive();
  }

  private SimClients runSeed(long seed, ReadConsistency reads) {
    Simulation sim = new Simulation(seed);
    try {
      SimClients[] clients = new SimClients[1];
      CheckResult result = runScenario(sim, reads, clients);
      assertThat(result.verdict()).as("linearizability: %s", result).isNotEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
      return clients[0];
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + " failed: " + e.getMessage() + "\nreplay: "
          + sim.replayCommand(getClass().getSimpleName()), e);
    }
  }

  private CheckResult runScenario(Simulation sim, ReadConsistency reads) {
    return runScenario(sim, reads, new SimClients[1]);
  }

  private CheckResult runScenario(Simulation sim, ReadConsistency reads, SimClients[] out) {
    SplittableRandom random = sim.random();
    int size = random.nextBoolean() ? 3 : 5;
    RaftDriverConfig config = RaftDriverConfig.defaults().withRequestTimeout(REQUEST_TIMEOUT);
    if (random.nextInt(4) != 0) {
      // Snapshots every few entries, so members cut off by partitions and crashes come back to a leader
      // that compacted what they lack, and are sent snapshots in several chunks.
      config = config.withSnapshots(config.snapshots().withEvery(2 + random.nextInt(30), random.nextInt(6))
          .withChunkBytes(16 + random.nextInt(240)));
    }
    RaftSimCluster cluster = new RaftSimCluster(sim, size, 1, config, m -> new KvStateMachine());
    HistoryRecorder history = new HistoryRecorder(sim.scheduler());
    SimClients clients = new SimClients(cluster, history, random.split(), reads, REQUEST_TIMEOUT);
    out[0] = clients;
    clients.start(3);

    // Phase 1: faults.
    Duration elapsed = Duration.ZERO;
    while (elapsed.compareTo(FAULT_PHASE) < 0) {
      Duration step = Duration.ofMillis(50 + random.nextInt(400));
      cluster.run(step);
      elapsed = elapsed.plus(step);
      RaftFaults.injectFault(cluster, random);
    }

    // Phase 2: liveness once the faults stop.
    cluster.healAll();
    LivenessPhase.check(cluster, clients, ELECTION_BOUND, REQUEST_TIMEOUT);

    return new LinearizabilityChecker().check(history.history());
  }

}
