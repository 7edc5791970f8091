package io.polis.runtime.sim;

import io.polis.membership.MembershipConfig;
import io.polis.membership.SeedProvider;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.RaftRole;
import io.polis.raft.RaftStatus;
import io.polis.raft.StateMachine;
import io.polis.runtime.RaftDriverConfig;
import io.polis.runtime.formation.AutopilotConfig;
import io.polis.runtime.formation.BootstrapDecision;
import io.polis.runtime.formation.FormationConfig;
import io.polis.runtime.formation.FormationState;
import io.polis.sim.Simulation;
import io.polis.wire.LogEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Simulated nodes that form their group through membership, with the invariants of formation checked
 * as the simulation runs: one leader per term across every node (two clusters formed side by side would
 * soon elect two leaders of one term), one bootstrap entry (at most one initial configuration), and one
 * command per applied index.
 */
final class FormingCluster {

  final Simulation sim;
  final List<SimFormingNode> nodes = new ArrayList<>();
  private final Map<Long, MemberId> leaderByTerm = new HashMap<>();
  private final Map<Long, Integer> appliedByIndex = new HashMap<>();
  private final Set<Configuration> bootstrapped = new HashSet<>();
  private long writes;

  FormingCluster(Simulation sim, int size, FormationConfig formation, AutopilotConfig autopilot) {
    this.sim = sim;
    List<Address> addresses = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      addresses.add(new Address("10.0.1." + (i + 1), 7800));
    }
    MembershipConfig membership = MembershipConfig.builder().seeds(SeedProvider.of(addresses))
        .reapTimeout(Duration.ofMinutes(5)).build();
    RaftDriverConfig raft = RaftDriverConfig.defaults().withRequestTimeout(Duration.ofSeconds(2));
    if (sim.random().nextBoolean()) {
      // Snapshots every few entries: a member added by autopilot then often needs one to catch up.
      raft = raft.withSnapshots(raft.snapshots().withEvery(3 + sim.random().nextInt(20), sim.random().nextInt(4))
          .withChunkBytes(64));
    }
    for (int i = 0; i < size; i++) {
      nodes.add(new SimFormingNode(sim, i, membership, formation, autopilot, raft, this::checkedMachine));
    }
  }

  static List<Address> firstAddresses(int count) {
    List<Address> addresses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      addresses.add(new Address("10.0.1." + (i + 1), 7800));
    }
    return addresses;
  }

  private StateMachine checkedMachine(SimFormingNode node) {
    return new StateMachine() {
      @Override
      public byte[] apply(long index, byte[] command) {
        Integer before = appliedByIndex.putIfAbsent(index, Arrays.hashCode(command));
        if (before != null && before != Arrays.hashCode(command)) {
          throw new AssertionError("state machine safety: " + node + " applied another command at index " + index);
        }
        return new byte[0];
      }

      /** The checked state lives in the cluster, so a member's own state is empty. */
      @Override
      public io.polis.raft.StateSnapshot snapshot() {
        return out -> { };
      }

      @Override
      public void restore(java.io.InputStream in) throws java.io.IOException {
        if (in.read() != -1) {
          throw new java.io.IOException("expected an empty state");
        }
      }
    };
  }

  /** Runs for a while, checking after every simulated task. */
  void run(Duration duration) {
    CheckedRun.run(sim, duration, this::check);
  }

  private void check() {
    for (SimFormingNode n : nodes) {
      RaftStatus s = n.status();
      if (s == null) {
        continue;
      }
      if (n.outcome instanceof BootstrapDecision.Bootstrap b && bootstrapped.add(b.configuration())
          && bootstrapped.size() > 1) {
        throw new AssertionError("two initial configurations: " + bootstrapped);
      }
      if (s.role() == RaftRole.LEADER) {
        MemberId other = leaderByTerm.putIfAbsent(s.term(), s.id());
        if (other != null && !other.equals(s.id())) {
          throw new AssertionError("two leaders in term " + s.term() + ": " + other.shortForm() + " and "
              + s.id().shortForm() + describe());
        }
      }
    }
  }

  /** Every log's first entry is the same bootstrap entry: no member formed another cluster. */
  void checkOneInitialConfiguration() {
    Set<LogEntry> firsts = new HashSet<>();
    for (SimFormingNode n : nodes) {
      if (n.storage.lastIndex() >= 1 && n.storage.firstIndex() == 1) {
        firsts.add(n.storage.entries(1, 2, Long.MAX_VALUE).get(0));
      }
    }
    if (firsts.size() > 1) {
      throw new AssertionError("members hold different first entries: " + firsts + describe());
    }
  }

  /** Every running node that holds the group's log announces it in membership. */
  void checkEveryMemberAnnouncesFormed() {
    run(Duration.ofSeconds(1));
    for (SimFormingNode n : nodes) {
      if (n.up && FormationState.of(n.membership.local()) != FormationState.FORMED) {
        throw new AssertionError(n + " does not announce " + FormationState.FORMED + describe());
      }
    }
  }

  @Nullable SimFormingNode leader() {
    SimFormingNode best = null;
    for (SimFormingNode n : nodes) {
      RaftStatus s = n.status();
      if (s != null && s.role() == RaftRole.LEADER && (best == null || s.term() > best.status().term())) {
        best = n;
      }
    }
    return best;
  }

  /**
   * Runs until the leader's configuration satisfies {@code wanted} and a write through it commits.
   *
   * @throws AssertionError if that does not happen within {@code bound}
   */
  SimFormingNode awaitCommittingLeader(Predicate<Configuration> wanted, Duration bound, String what) {
    long deadline = sim.scheduler().nanos() + bound.toNanos();
    CompletableFuture<?> write = null;
    SimFormingNode writer = null;
    while (sim.scheduler().nanos() < deadline) {
      SimFormingNode leader = leader();
      if (leader != null && wanted.test(leader.status().configuration())) {
        if (write != null && writer == leader && write.isDone() && !write.isCompletedExceptionally()) {
          return leader;
        }
        if (write == null || writer != leader || write.isDone()) {
          writer = leader;
          write = leader.driver.propose(("w" + writes++).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      run(Duration.ofMillis(100));
    }
    throw new AssertionError(what + " not reached within " + bound + describe());
  }

  String describe() {
    StringBuilder sb = new StringBuilder();
    nodes.forEach(n -> sb.append("\n  ").append(n));
    return sb.toString();
  }
}
