package io.polis.membership;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.sim.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** A simulated cluster of SWIM members on one seeded simulation, with convergence checks. */
final class SimCluster {

  final Simulation sim;
  final List<SimMember> members = new ArrayList<>();

  /** A cluster in which every member's address is a seed, as in a statically configured cluster. */
  SimCluster(Simulation sim, int size, MembershipConfig.Builder config) {
    this(sim, size, config, size);
  }

  /**
   * A cluster whose first {@code seedCount} members are the seeds. With few seeds a fault plan that
   * crashes all of them leaves members that never met unable to find each other, so fault tests use
   * every address; large clusters use a few, as large deployments do.
   */
  SimCluster(Simulation sim, int size, MembershipConfig.Builder config, int seedCount) {
    this.sim = sim;
    List<Address> seeds = new ArrayList<>();
    for (int i = 0; i < seedCount; i++) {
      seeds.add(new Address("node-" + i, 7800));
    }
    MembershipConfig built = config.seeds(SeedProvider.of(seeds)).build();
    for (int i = 0; i < size; i++) {
      members.add(new SimMember(sim, i, built));
    }
  }

  void startAll() {
    members.forEach(SimMember::start);
  }

  List<SimMember> up() {
    return members.stream().filter(SimMember::up).toList();
  }

  Set<MemberId> upIds() {
    return up().stream().map(SimMember::id).collect(Collectors.toSet());
  }

  /** @return null when every running member sees exactly the running members as live, else why not */
  @Nullable String divergence() {
    Set<MemberId> expected = upIds();
    for (SimMember m : up()) {
      Set<MemberId> view = m.liveView();
      if (!view.equals(expected)) {
        return m + " sees " + view.size() + " live members, " + expected.size() + " are up";
      }
    }
    return null;
  }

  /**
   * Runs until every running member sees the same live set, checking every 50 ms of virtual time.
   *
   * @param bound the longest virtual time to wait
   * @return the virtual time it took
   * @throws AssertionError naming the seed and the replay command if the bound passes first
   */
  Duration awaitConvergence(Duration bound, String testClass) {
    long start = sim.scheduler().nanos();
    String why = divergence();
    while (why != null) {
      if (sim.scheduler().nanos() - start > bound.toNanos()) {
        throw new AssertionError("seed " + sim.seed() + ": views did not converge within " + bound + ": " + why
            + "\nreplay: " + sim.replayCommand(testClass));
      }
      sim.scheduler().advance(Duration.ofMillis(50));
      why = divergence();
    }
    return Duration.ofNanos(sim.scheduler().nanos() - start);
  }

  void checkNoFailures(String testClass) {
    if (!sim.scheduler().failures().isEmpty()) {
      AssertionError error = new AssertionError("seed " + sim.seed() + ": a task threw\nreplay: "
          + sim.replayCommand(testClass));
      sim.scheduler().failures().forEach(error::addSuppressed);
      throw error;
    }
  }
}
