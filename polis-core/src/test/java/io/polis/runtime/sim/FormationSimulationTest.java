package io.polis.runtime.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.runtime.formation.AutopilotConfig;
import io.polis.runtime.formation.FormationConfig;
import io.polis.sim.Simulation;
import io.polis.transport.local.NetworkFaults;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Seeded runs of cluster formation: SWIM membership, {@link io.polis.runtime.formation.ClusterFormation},
 * Raft drivers and {@link io.polis.runtime.formation.Autopilot} on the simulated network, with
 * {@link FormingCluster}'s invariants checked after every simulated task.
 *
 * <p>CI runs {@value #CI_SEEDS} seeds per scenario; {@code -Dpolis.sim.scale=10} runs ten times as many,
 * and {@code -Dpolis.sim.seed=N} replays one.
 */
class FormationSimulationTest {

  static final int CI_SEEDS = 700;
  /** Shorter than the 30 s default so a run stays short; the rule is the same. */
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final Duration SETTLE = Duration.ofSeconds(40);

  @Test
  void concurrentFirstStartsOf3And5NodesNeverFormTwoClusters() {
    forEachSeed(sim -> {
      SplittableRandom random = sim.random();
      int size = random.nextBoolean() ? 3 : 5;
      FormationConfig formation = random.nextBoolean() ? FormationConfig.bootstrapExpect(size)
          : FormationConfig.staticVoters(FormingCluster.firstAddresses(size));
      FormingCluster cluster = new FormingCluster(sim, size, formation,
          AutopilotConfig.defaults().withTargetVoters(size).withDeadMemberGrace(GRACE));
      if (random.nextBoolean()) {
        sim.network().setFaults(NetworkFaults.builder().lossProbability(random.nextDouble() * 0.1)
            .delay(Duration.ZERO, Duration.ofMillis(1 + random.nextInt(30))).reordering(random.nextBoolean()).build());
      }
      // All at about the same moment: within a few hundred milliseconds, in a random order.
      for (SimFormingNode n : cluster.nodes) {
        sim.scheduler().schedule(Duration.ofMillis(random.nextInt(400)), n::start);
      }
      cluster.run(Duration.ofSeconds(3));
      sim.network().setFaults(NetworkFaults.NONE);
      cluster.awaitCommittingLeader(c -> c.voters().size() == size, SETTLE, "a leader of all " + size + " voters");
      cluster.checkOneInitialConfiguration();
      cluster.checkEveryMemberAnnouncesFormed();
    });
  }

  @Test
  void aNodeRestartedWithoutStorageComesBackUnderANewIdAndReplacesItsOldIdentity() {
    forEachSeed(sim -> {
      SplittableRandom random = sim.random();
      FormingCluster cluster = new FormingCluster(sim, 3, FormationConfig.staticVoters(FormingCluster.firstAddresses(3)),
          AutopilotConfig.defaults().withDeadMemberGrace(GRACE));
      cluster.nodes.forEach(SimFormingNode::start);
      cluster.awaitCommittingLeader(c -> c.voters().size() == 3, SETTLE, "a formed group of 3");

      SimFormingNode victim = cluster.nodes.get(random.nextInt(3));
      MemberId oldId = victim.id;
      boolean wipe = random.nextBoolean();
      victim.crash();
      cluster.run(Duration.ofMillis(random.nextInt(3000)));
      if (wipe) {
        victim.wipe();
      }
      victim.start();
      MemberId newId = victim.id;
      assertThat(newId.equals(oldId)).as("same id after a restart %s its storage", wipe ? "without" : "with")
          .isEqualTo(!wipe);
      cluster.awaitCommittingLeader(c -> c.voters().size() == 3 && c.isVoter(newId)
          && (!wipe || !c.contains(oldId)), SETTLE, "the restarted node a voter again as " + newId.shortForm());
      cluster.checkOneInitialConfiguration();
      cluster.checkEveryMemberAnnouncesFormed();
    });
  }

  @Test
  void aVoterLostForeverIsReplacedAfterTheGracePeriodUnderFaults() {
    forEachSeed(sim -> {
      SplittableRandom random = sim.random();
      // Three first voters and a fourth node that is not one: it joins and waits as a learner.
      FormationConfig formation = random.nextBoolean() ? FormationConfig.bootstrapExpect(3)
          : FormationConfig.staticVoters(FormingCluster.firstAddresses(3));
      FormingCluster cluster = new FormingCluster(sim, 4, formation,
          AutopilotConfig.defaults().withDeadMemberGrace(GRACE));
      cluster.nodes.forEach(SimFormingNode::start);
      cluster.awaitCommittingLeader(c -> c.voters().size() == 3 && c.learners().size() == 1, SETTLE,
          "three voters and a learner");

      Configuration before = cluster.leader().status().configuration();
      List<MemberId> voters = List.copyOf(before.voters().keySet());
      MemberId lost = voters.get(random.nextInt(voters.size()));
      SimFormingNode lostNode = cluster.nodes.stream().filter(n -> n.id.equals(lost)).findFirst().orElseThrow();
      lostNode.crash();

      // Faults among the survivors while the grace period runs.
      Duration elapsed = Duration.ZERO;
      while (elapsed.compareTo(GRACE.plusSeconds(3)) < 0) {
        Duration step = Duration.ofMillis(100 + random.nextInt(900));
        cluster.run(step);
        elapsed = elapsed.plus(step);
        injectFault(cluster, random);
      }
      sim.network().heal();
      sim.network().setFaults(NetworkFaults.NONE);

      cluster.awaitCommittingLeader(c -> c.voters().size() == 3 && !c.contains(lost), SETTLE,
          "three voters without the lost " + lost.shortForm());
      cluster.checkOneInitialConfiguration();
      cluster.checkEveryMemberAnnouncesFormed();
    });
  }

  private static void injectFault(FormingCluster cluster, SplittableRandom random) {
    switch (random.nextInt(4)) {
      case 0 -> {
        Set<Address> side = new HashSet<>();
        Set<Address> other = new HashSet<>();
        cluster.nodes.forEach(n -> (random.nextBoolean() ? side : other).add(n.address));
        if (!side.isEmpty() && !other.isEmpty()) {
          cluster.sim.network().partition(side, other);
        }
      }
      case 1 -> cluster.sim.network().setFaults(NetworkFaults.builder()
          .lossProbability(random.nextDouble() * 0.2)
          .delay(Duration.ZERO, Duration.ofMillis(1 + random.nextInt(40))).reordering(random.nextBoolean()).build());
      case 2 -> cluster.sim.network().heal();
      default -> cluster.sim.network().setFaults(NetworkFaults.NONE);
    }
  }

  private void forEachSeed(Consumer<Simulation> scenario) {
    long start = System.nanoTime();
    long[] count = {0};
    Simulation.seeds(CI_SEEDS).forEach(seed -> {
      Simulation sim = new Simulation(seed);
      try {
        scenario.accept(sim);
        count[0]++;
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed + " failed: " + e.getMessage() + "\nreplay: "
            + sim.replayCommand(getClass().getSimpleName()), e);
      }
    });
    System.out.printf("formation simulation: %d seeds in %d ms%n", count[0], (System.nanoTime() - start) / 1_000_000);
  }
}
