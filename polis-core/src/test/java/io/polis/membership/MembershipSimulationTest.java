package io.polis.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.Address;
import io.polis.sim.Simulation;
import io.polis.transport.local.NetworkFaults;
import io.polis.transport.local.NetworkStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SWIM in the deterministic simulator, over many seeds. A failing seed's message carries the command
 * that replays it alone ({@code -Dpolis.sim.seed=N}); {@code -Dpolis.sim.scale=20} runs twenty times the
 * CI seed count.
 */
class MembershipSimulationTest {

  private static final String NAME = MembershipSimulationTest.class.getSimpleName();
  /** After faults stop, views must agree within this much virtual time. */
  static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(30);
  private static final NetworkFaults LAN = NetworkFaults.builder()
      .delay(Duration.ofMillis(1), Duration.ofMillis(5)).build();

  @Test
  void viewsConvergeAfterRandomFaultsHeal() {
    List<Duration> times = new ArrayList<>();
    Simulation.seeds(1_000).forEach(seed -> times.add(convergeAfterFaults(seed)));
    Duration worst = times.stream().max(Duration::compareTo).orElseThrow();
    System.out.printf("%s: %d seeds converged after faults; worst %d ms of virtual time (bound %s)%n", NAME,
        times.size(), worst.toMillis(), CONVERGENCE_BOUND);
  }

  private Duration convergeAfterFaults(long seed) {
    Simulation sim = new Simulation(seed);
    SplittableRandom rnd = sim.random();
    sim.network().setFaults(LAN);
    SimCluster cluster = new SimCluster(sim, 3 + rnd.nextInt(5), MembershipConfig.builder());
    cluster.startAll();
    cluster.awaitConvergence(CONVERGENCE_BOUND, NAME);

    long faultEnd = sim.scheduler().nanos() + Duration.ofSeconds(20).toNanos();
    while (sim.scheduler().nanos() < faultEnd) {
      injectRandomFault(cluster, rnd);
      sim.scheduler().advance(Duration.ofMillis(200 + rnd.nextInt(1_300)));
    }
    sim.network().heal();
    sim.network().setFaults(LAN);
    cluster.members.stream().filter(SimMember::up).forEach(SimMember::resume);
    Duration took = cluster.awaitConvergence(CONVERGENCE_BOUND, NAME);
    // Once agreed, views stay agreed on a quiet network: no member is wrongly declared down.
    Set<Set<io.polis.node.MemberId>> before = new HashSet<>();
    cluster.up().forEach(m -> before.add(m.liveView()));
    sim.scheduler().advance(Duration.ofSeconds(5));
    assertThat(cluster.divergence()).as("seed %d stays converged; replay: %s", seed, sim.replayCommand(NAME))
        .isNull();
    assertThat(before).hasSize(1);
    cluster.checkNoFailures(NAME);
    return took;
  }

  private static void injectRandomFault(SimCluster cluster, SplittableRandom rnd) {
    List<SimMember> all = cluster.members;
    SimMember pick = all.get(rnd.nextInt(all.size()));
    int dice = rnd.nextInt(100);
    var network = cluster.sim.network();
    if (dice < 12) {
      if (cluster.up().size() > 1) {
        pick.crash();
      }
    } else if (dice < 27) {
      if (!pick.up()) {
        pick.start(); // back on the same address under a new id
      }
    } else if (dice < 40) {
      if (pick.up() && !pick.paused()) {
        pick.pause();
        cluster.sim.scheduler().schedule(Duration.ofMillis(100 + rnd.nextInt(3_000)), () -> {
          if (pick.up()) {
            pick.resume();
          }
        });
      }
    } else if (dice < 52) {
      Set<Address> side = new HashSet<>();
      for (SimMember m : all) {
        if (rnd.nextBoolean()) {
          side.add(m.address);
        }
      }
      Set<Address> other = new HashSet<>();
      all.forEach(m -> other.add(m.address));
      other.removeAll(side);
      network.partition(side, other);
    } else if (dice < 60) {
      SimMember to = all.get(rnd.nextInt(all.size()));
      if (to != pick) {
        network.block(pick.address, to.address); // one direction only
      }
    } else if (dice < 65) {
      network.isolate(pick.address);
    } else if (dice < 78) {
      network.heal();
    } else {
      network.setFaults(NetworkFaults.builder()
          .lossProbability(rnd.nextDouble() * 0.2)
          .duplicationProbability(rnd.nextDouble() * 0.05)
          .delay(Duration.ZERO, Duration.ofMillis(1 + rnd.nextInt(30)))
          .reordering(rnd.nextBoolean())
          .build());
    }
  }

  @Test
  void noReachableMemberIsDeclaredDownUnderTenPercentLoss() {
    Simulation.seeds(100).forEach(seed -> {
      Simulation sim = new Simulation(seed);
      sim.network().setFaults(LAN);
      SimCluster cluster = new SimCluster(sim, 5, MembershipConfig.builder());
      cluster.startAll();
      cluster.awaitConvergence(CONVERGENCE_BOUND, NAME);
      sim.network().setFaults(LAN.toBuilder().lossProbability(0.10).build());
      sim.scheduler().advance(Duration.ofSeconds(60));
      for (SimMember m : cluster.members) {
        assertThat(m.events).as("seed %d: events at %s; replay: %s", seed, m, sim.replayCommand(NAME))
            .noneMatch(e -> e instanceof MembershipEvent.Down);
      }
      assertThat(cluster.divergence()).isNull();
      cluster.checkNoFailures(NAME);
    });
  }

  @Test
  void aCrashedMemberIsDeclaredDownByAllWithinTheBound() {
    List<Long> millis = new ArrayList<>();
    Simulation.seeds(200).forEach(seed -> {
      Simulation sim = new Simulation(seed);
      sim.network().setFaults(LAN);
      SimCluster cluster = new SimCluster(sim, 5, MembershipConfig.builder());
      cluster.startAll();
      cluster.awaitConvergence(CONVERGENCE_BOUND, NAME);
      sim.scheduler().advance(Duration.ofMillis(sim.random().nextInt(1_000)));
      SimMember victim = cluster.members.get(sim.random().nextInt(5));
      var victimId = victim.id();
      victim.crash();
      long start = sim.scheduler().nanos();
      while (cluster.up().stream().anyMatch(m -> m.membership().member(victimId)
          .map(x -> x.state() != MemberState.DEAD).orElse(true))) {
        assertThat(sim.scheduler().nanos() - start).as("seed %d; replay: %s", seed, sim.replayCommand(NAME))
            .isLessThan(Duration.ofSeconds(3).toNanos());
        sim.scheduler().advance(Duration.ofMillis(10));
      }
      millis.add((sim.scheduler().nanos() - start) / 1_000_000);
      cluster.checkNoFailures(NAME);
    });
    millis.sort(Long::compare);
    System.out.printf("%s: crash detected by all after median %d ms, p99 %d ms, max %d ms (virtual time)%n", NAME,
        millis.get(millis.size() / 2), millis.get((int) (millis.size() * 0.99)), millis.get(millis.size() - 1));
    assertThat(millis.get(millis.size() / 2)).isLessThan(1_500);
  }

  @Test
  void largeClustersConvergeAndEachMemberSendsABoundedNumberOfMessages() {
    double small = steadyMessagesPerMemberPerSecond(50);
    double large = steadyMessagesPerMemberPerSecond(500);
    System.out.printf("%s: messages per member per second: %.2f with 50 members, %.2f with 500%n", NAME, small,
        large);
    // SWIM's load per member is constant in n: one probe and its ack per period, plus rare extras.
    assertThat(large).isLessThan(small * 1.25 + 0.5);
    assertThat(large).isLessThan(15.0);
  }

  private double steadyMessagesPerMemberPerSecond(int n) {
    Simulation sim = new Simulation(42 + n);
    sim.network().setFaults(LAN);
    SimCluster cluster = new SimCluster(sim, n, MembershipConfig.builder(), 3);
    cluster.startAll(); // a join storm: everyone at once, through the same three seeds
    Duration joined = cluster.awaitConvergence(Duration.ofSeconds(120), NAME);
    System.out.printf("%s: %d members converged %d ms after a simultaneous start%n", NAME, n, joined.toMillis());

    // Let the join's gossip and full-state exchanges die down, then count a quiet stretch.
    sim.scheduler().advance(Duration.ofSeconds(5));
    NetworkStats before = sim.network().stats();
    sim.scheduler().advance(Duration.ofSeconds(10));
    double rate = (sim.network().stats().minus(before).sent()) / (double) n / 10.0;

    for (int i = 0; i < n / 10; i++) {
      cluster.members.get(i * 10 + 1).crash();
    }
    Duration healed = cluster.awaitConvergence(Duration.ofSeconds(120), NAME);
    System.out.printf("%s: %d members converged %d ms after 10%% crashed%n", NAME, n, healed.toMillis());
    cluster.checkNoFailures(NAME);
    return rate;
  }
}
