package io.polis.runtime.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.KeyValueStore;
import io.polis.ReadConsistency;
import io.polis.Versioned;
import io.polis.kv.CheckerOutputs;
import io.polis.kv.KvStateMachine;
import io.polis.kv.ReplicatedKeyValueStore;
import io.polis.node.Address;
import io.polis.raft.ConsensusTimeoutException;
import io.polis.runtime.RaftDriverConfig;
import io.polis.sim.Simulation;
import io.polis.sim.linearizability.CheckResult;
import io.polis.sim.linearizability.HistoryRecorder;
import io.polis.sim.linearizability.Input;
import io.polis.sim.linearizability.LinearizabilityChecker;
import io.polis.sim.linearizability.Output;
import io.polis.transport.local.NetworkFaults;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Seeded runs of 3- and 5-member groups under crashes, restarts, pauses, partitions of every shape, loss,
 * duplication and reordering, with the Raft invariants checked after every simulated task; then, with
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
  private static final String[] KEYS = {"a", "b", "c"};

  @Test
  void safetyLivenessAndLinearizabilityUnderFaults() {
    long[] totals = new long[2];
    Simulation.seeds(CI_SEEDS).forEach(seed -> {
      Clients clients = runSeed(seed, ReadConsistency.LINEARIZABLE);
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

  private Clients runSeed(long seed, ReadConsistency reads) {
    Simulation sim = new Simulation(seed);
    try {
      Clients[] clients = new Clients[1];
      CheckResult result = runScenario(sim, reads, clients);
      assertThat(result.verdict()).as("linearizability: %s", result).isNotEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
      return clients[0];
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + " failed: " + e.getMessage() + "\nreplay: "
          + sim.replayCommand(getClass().getSimpleName()), e);
    }
  }

  private CheckResult runScenario(Simulation sim, ReadConsistency reads) {
    return runScenario(sim, reads, new Clients[1]);
  }

  private CheckResult runScenario(Simulation sim, ReadConsistency reads, Clients[] out) {
    SplittableRandom random = sim.random();
    int size = random.nextBoolean() ? 3 : 5;
    RaftDriverConfig config = RaftDriverConfig.defaults().withRequestTimeout(REQUEST_TIMEOUT);
    RaftSimCluster cluster = new RaftSimCluster(sim, size, 1, config, m -> new KvStateMachine());
    HistoryRecorder history = new HistoryRecorder(sim.scheduler());
    Clients clients = new Clients(cluster, history, random.split(), reads);
    out[0] = clients;
    clients.start(3);

    // Phase 1: faults.
    Duration elapsed = Duration.ZERO;
    while (elapsed.compareTo(FAULT_PHASE) < 0) {
      Duration step = Duration.ofMillis(50 + random.nextInt(400));
      cluster.run(step);
      elapsed = elapsed.plus(step);
      injectFault(cluster, random);
    }

    // Phase 2: liveness once the faults stop.
    cluster.healAll();
    Duration waited = Duration.ZERO;
    while (cluster.agreedLeader() == null) {
      if (waited.compareTo(ELECTION_BOUND) >= 0) {
        throw new AssertionError("no leader agreed by every voter " + ELECTION_BOUND + " after healing:"
            + cluster.describe());
      }
      cluster.run(Duration.ofMillis(50));
      waited = waited.plus(Duration.ofMillis(50));
    }
    clients.stop();
    cluster.run(REQUEST_TIMEOUT.plusSeconds(1));
    assertThat(clients.outstanding()).as("requests still open after the request timeout").isZero();
    // A fresh write and a linearizable read through every member succeed.
    clients.finalRound();
    cluster.run(REQUEST_TIMEOUT);
    assertThat(clients.finalRoundFailures()).as("final write and reads succeed on a healed cluster:" + cluster.describe())
        .isEmpty();
    cluster.invariants.checkLogMatching(cluster.members);

    return new LinearizabilityChecker().check(history.history());
  }

  private static final boolean TRACE = Boolean.getBoolean("polis.sim.trace");

  private static void injectFault(RaftSimCluster cluster, SplittableRandom random) {
    List<SimRaftMember> members = cluster.members;
    int n = members.size();
    int action = random.nextInt(11);
    if (TRACE) {
      System.out.printf("%s fault %d%s%n", cluster.sim.scheduler().now(), action, cluster.describe());
    }
    switch (action) {
      case 10 -> reconfigure(cluster, random);
      case 0 -> {
        int i = random.nextInt(n);
        if (members.get(i).up) {
          cluster.crash(i);
        }
      }
      case 1, 2 -> {
        for (int i = 0; i < n; i++) {
          if (!members.get(i).up) {
            cluster.restart(i);
            break;
          }
        }
      }
      case 3 -> {
        Set<Address> side = new HashSet<>();
        for (SimRaftMember m : members) {
          if (random.nextBoolean()) {
            side.add(m.address);
          }
        }
        Set<Address> other = new HashSet<>();
        members.forEach(m -> other.add(m.address));
        other.removeAll(side);
        if (!side.isEmpty() && !other.isEmpty()) {
          cluster.sim.network().partition(side, other);
        }
      }
      case 4 -> {
        SimRaftMember a = members.get(random.nextInt(n));
        SimRaftMember b = members.get(random.nextInt(n));
        if (a != b) {
          cluster.sim.network().block(a.address, b.address); // one direction only
        }
      }
      case 5 -> {
        // A ring: each member reaches only its neighbours, so majorities overlap but no one sees all.
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            int distance = Math.min(Math.abs(i - j), n - Math.abs(i - j));
            if (distance > 1) {
              cluster.sim.network().block(members.get(i).address, members.get(j).address);
            }
          }
        }
      }
      case 6 -> cluster.sim.network().heal();
      case 7 -> cluster.sim.network().setFaults(NetworkFaults.builder()
          .lossProbability(random.nextDouble() * 0.2)
          .duplicationProbability(random.nextDouble() * 0.1)
          .delay(Duration.ZERO, Duration.ofMillis(1 + random.nextInt(40)))
          .reordering(random.nextBoolean())
          .build());
      case 8 -> cluster.sim.network().setFaults(NetworkFaults.NONE);
      default -> {
        SimRaftMember m = members.get(random.nextInt(n));
        if (m.up && !m.paused()) {
          m.pause(); // a GC pause; resumed later by the scheduler
          cluster.sim.scheduler().schedule(Duration.ofMillis(100 + random.nextInt(600)), () -> {
            if (m.up && m.paused()) {
              m.resume();
            }
          });
        }
      }
    }
  }

  /** One single-server change through the current leader: promote a learner, add a spare, or remove a voter. */
  private static void reconfigure(RaftSimCluster cluster, SplittableRandom random) {
    SimRaftMember leader = cluster.currentLeader();
    if (leader == null) {
      return;
    }
    io.polis.raft.Configuration conf = leader.driver.status().configuration();
    io.polis.raft.ConfigChange change = null;
    if (!conf.learners().isEmpty()) {
      change = new io.polis.raft.ConfigChange(io.polis.raft.ConfigChange.Kind.PROMOTE_LEARNER,
          conf.learners().keySet().iterator().next(), null);
    } else {
      List<SimRaftMember> outside = cluster.members.stream().filter(m -> !conf.contains(m.id)).toList();
      if (!outside.isEmpty() && (conf.voters().size() <= 3 || random.nextBoolean())) {
        SimRaftMember m = outside.get(random.nextInt(outside.size()));
        change = new io.polis.raft.ConfigChange(io.polis.raft.ConfigChange.Kind.ADD_LEARNER, m.id, m.address);
      } else if (conf.voters().size() > 3) {
        List<io.polis.node.MemberId> voters = List.copyOf(conf.voters().keySet());
        change = new io.polis.raft.ConfigChange(io.polis.raft.ConfigChange.Kind.REMOVE,
            voters.get(random.nextInt(voters.size())), null);
      }
    }
    if (change != null) {
      leader.driver.changeConfiguration(change); // may be refused (one change at a time); that is fine
    }
  }

  /** Clients that each run one operation at a time against a random live member, recording the history. */
  private static final class Clients {
    private final RaftSimCluster cluster;
    private final HistoryRecorder history;
    private final SplittableRandom random;
    private final List<OpenRequest> open = new ArrayList<>();

    /** A request and the member run it was made on: a crash loses it, as a client's connection would. */
    private record OpenRequest(CompletableFuture<?> future, SimRaftMember member, int incarnation) {
      boolean lost() {
        return !member.up || member.incarnation != incarnation;
      }
    }
    private final List<CompletableFuture<String>> finalRound = new ArrayList<>();
    private boolean stopped;
    private int counter;

    private final ReadConsistency reads;
    long completed;

    Clients(RaftSimCluster cluster, HistoryRecorder history, SplittableRandom random, ReadConsistency reads) {
      this.reads = reads;
      this.cluster = cluster;
      this.history = history;
      this.random = random;
    }

    void start(int count) {
      for (int c = 0; c < count; c++) {
        String client = "client-" + c;
        cluster.sim.scheduler().schedule(Duration.ofMillis(random.nextInt(200)), () -> next(client));
      }
    }

    void stop() {
      stopped = true;
    }

    long outstanding() {
      return open.stream().filter(r -> !r.future().isDone() && !r.lost()).count();
    }

    private void next(String client) {
      if (stopped) {
        return;
      }
      List<SimRaftMember> live = cluster.members.stream().filter(m -> m.up).toList();
      if (live.isEmpty()) {
        cluster.sim.scheduler().schedule(Duration.ofMillis(100), () -> next(client));
        return;
      }
      SimRaftMember member = live.get(random.nextInt(live.size()));
      int incarnation = member.incarnation;
      String key = KEYS[random.nextInt(KEYS.length)];
      CompletableFuture<?> done = operation(client, member, key);
      cluster.sim.scheduler().schedule(REQUEST_TIMEOUT.plusSeconds(1), () -> {
        if (!done.isDone() && (member.incarnation != incarnation || !member.up)) {
          next(client); // the member crashed with the request: the client gives up on it and moves on
        }
      });
      open.add(new OpenRequest(done, member, member.incarnation));
      done.whenComplete((v, e) -> cluster.sim.scheduler().schedule(Duration.ofMillis(random.nextInt(50)),
          () -> next(client)));
    }

    /** The last value and version this client saw per key, for its compare-and-set guesses. */
    private final java.util.Map<String, Versioned> seen = new java.util.HashMap<>();

    private static KeyValueStore store(SimRaftMember member) {
      return new ReplicatedKeyValueStore(member.driver, (KvStateMachine) member.machine);
    }

    private CompletableFuture<?> operation(String client, SimRaftMember member, String key) {
      int kind = random.nextInt(10);
      String value = client + "-" + (++counter);
      KeyValueStore store = store(member);
      if (kind < 3) {
        HistoryRecorder.Pending op = history.invoke(client, key, Input.get());
        return store.get(key, reads).whenComplete((v, e) -> {
          if (e == null) {
            completed++;
            seen.put(key, v);
            op.ok(CheckerOutputs.read(v));
          } else {
            op.failed(); // a read that did not answer changed nothing
          }
        });
      }
      if (kind < 7) {
        HistoryRecorder.Pending op = history.invoke(client, key, Input.put(value));
        return store.put(key, utf8(value)).whenComplete((r, e) -> {
          if (e == null) {
            seen.put(key, new Versioned(utf8(value), r.version(), r.index()));
          }
          record(op, e, () -> CheckerOutputs.put(r));
        });
      }
      if (kind < 9) {
        Versioned guess = seen.get(key);
        boolean absent = guess == null || guess.value() == null || random.nextInt(4) == 0;
        String expected = absent ? null : CheckerOutputs.text(guess.value());
        long expectedVersion = absent ? KeyValueStore.ABSENT : guess.version();
        HistoryRecorder.Pending op = history.invoke(client, key, Input.cas(expected, value));
        return store.compareAndSet(key, expectedVersion, utf8(value))
            .whenComplete((r, e) -> record(op, e, () -> CheckerOutputs.cas(r)));
      }
      HistoryRecorder.Pending op = history.invoke(client, key, Input.delete());
      return store.delete(key).whenComplete((r, e) -> record(op, e, () -> CheckerOutputs.delete(r)));
    }

    private void record(HistoryRecorder.Pending op, Throwable e, java.util.function.Supplier<Output> output) {
      if (TRACE) {
        System.out.printf("%s %s%n", cluster.sim.scheduler().now(), e == null ? "ok" : e.toString());
      }
      if (e == null) {
        completed++;
        op.ok(output.get());
      } else if (cause(e) instanceof ConsensusTimeoutException) {
        op.unknown(); // it may still be applied
      } else {
        op.failed(); // refused before it reached the log
      }
    }

    void finalRound() {
      io.polis.raft.Configuration conf = cluster.agreedLeader().driver.status().configuration();
      for (SimRaftMember m : cluster.members) {
        if (!conf.contains(m.id)) {
          continue;
        }
        String value = "final-" + m.id.shortForm();
        KeyValueStore store = store(m);
        finalRound.add(store.put("final", utf8(value))
            .thenCompose(a -> store.get("final"))
            .handle((v, e) -> e == null && v.value() != null ? "" : m.id.shortForm() + ": " + e));
      }
    }

    String finalRoundFailures() {
      StringBuilder sb = new StringBuilder();
      finalRound.forEach(f -> sb.append(f.isDone() ? f.join() : "(not done) "));
      return sb.toString().trim();
    }

    private static Throwable cause(Throwable e) {
      return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
