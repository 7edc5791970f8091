package io.polis.membership;

import io.polis.sim.Simulation;
import io.polis.transport.local.NetworkFaults;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Convergence figures for docs/benchmarks.md: members that start at the same moment through three seeds,
 * in virtual time. Too slow for CI at 2,000 members; run with
 * {@code ./mvnw -B -pl polis-core test -Dtest=MembershipScaleTest -Dpolis.sim.large=true}.
 */
@EnabledIfSystemProperty(named = "polis.sim.large", matches = "true")
class MembershipScaleTest {

  @Test
  void convergenceTimeAfterASimultaneousStart() {
    for (int n : new int[] {50, 500, 2_000}) {
      for (long seed = 1; seed <= 3; seed++) {
        Simulation sim = new Simulation(seed * 1_000 + n);
        sim.network().setFaults(NetworkFaults.builder().delay(Duration.ofMillis(1), Duration.ofMillis(5)).build());
        SimCluster cluster = new SimCluster(sim, n, MembershipConfig.builder(), 3);
        long wall = System.nanoTime();
        cluster.startAll();
        Duration took = cluster.awaitConvergence(Duration.ofMinutes(10), "MembershipScaleTest");
        System.out.printf("scale: %d members, seed %d: converged after %d ms of virtual time (%d s of wall time)%n",
            n, sim.seed(), took.toMillis(), (System.nanoTime() - wall) / 1_000_000_000);
      }
    }
  }
}
