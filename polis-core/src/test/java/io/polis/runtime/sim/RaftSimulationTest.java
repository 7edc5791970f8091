package io.polis.runtime.sim;

import static org.assertj.core.api.Assertions.assertThat;

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
    Simulation.seeds(CI_SEEDS).forEach(this::runSeed);
  }

  private void runSeed(long seed) {
    Simulation sim = new Simulation(seed);
    try {
      runScenario(sim);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + " failed: " + e.getMessage() + "\nreplay: "
          + sim.replayCommand(getClass().getSimpleName()), e);
    }
  }

  private void runScenario(Simulation sim) {
    SplittableRandom random = sim.random();
    int size = random.nextBoolean() ? 3 : 5;
    RaftDriverConfig config = RaftDriverConfig.defaults().withRequestTimeout(REQUEST_TIMEOUT);
    RaftSimCluster cluster = new RaftSimCluster(sim, size, 1, config, m -> new RegisterMachine());
    HistoryRecorder history = new HistoryRecorder(sim.scheduler());
    Clients clients = new Clients(cluster, history, random.split());
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

    CheckResult result = new LinearizabilityChecker().check(history.history());
    assertThat(result.verdict()).as("linearizability: %s", result).isNotEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
  }

  private static void injectFault(RaftSimCluster cluster, SplittableRandom random) {
    List<SimRaftMember> members = cluster.members;
    int n = members.size();
    switch (random.nextInt(11)) {
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

    Clients(RaftSimCluster cluster, HistoryRecorder history, SplittableRandom random) {
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

    private CompletableFuture<?> operation(String client, SimRaftMember member, String key) {
      int kind = random.nextInt(10);
      String value = client + "-" + (++counter);
      if (kind < 3) {
        RegisterMachine machine = (RegisterMachine) unwrap(member);
        HistoryRecorder.Pending op = history.invoke(client, key, Input.get());
        return member.driver.readLinearizable(() -> machine.get(key)).whenComplete((v, e) -> {
          if (e == null) {
            op.ok(Output.read(v.value(), v.version()));
          } else {
            op.failed(); // a read that did not answer changed nothing
          }
        });
      }
      Input input;
      byte[] command;
      if (kind < 7) {
        input = Input.put(value);
        command = RegisterMachine.put(key, value);
      } else if (kind < 9) {
        String expected = random.nextBoolean() ? null : client + "-" + random.nextInt(Math.max(1, counter));
        input = Input.cas(expected, value);
        command = RegisterMachine.cas(key, expected, value);
      } else {
        input = Input.delete();
        command = RegisterMachine.delete(key);
      }
      HistoryRecorder.Pending op = history.invoke(client, key, input);
      return member.driver.propose(command).whenComplete((applied, e) -> {
        if (e == null) {
          String result = new String(applied.result(), StandardCharsets.UTF_8);
          if (input instanceof Input.Cas) {
            String[] parts = result.split("\\|");
            long version = Long.parseLong(parts[1]);
            op.ok(parts[0].equals("1") ? Output.swapped(version) : Output.notSwapped(version));
          } else {
            op.ok(Output.written(Long.parseLong(result)));
          }
        } else if (cause(e) instanceof ConsensusTimeoutException) {
          op.unknown();
        } else {
          op.failed(); // refused before it reached the log
        }
      });
    }

    void finalRound() {
      io.polis.raft.Configuration conf = cluster.agreedLeader().driver.status().configuration();
      for (SimRaftMember m : cluster.members) {
        if (!conf.contains(m.id)) {
          continue;
        }
        String value = "final-" + m.id.shortForm();
        RegisterMachine machine = (RegisterMachine) unwrap(m);
        finalRound.add(m.driver.propose(RegisterMachine.put("final", value))
            .thenCompose(a -> m.driver.readLinearizable(() -> machine.get("final")))
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

  static io.polis.raft.StateMachine unwrap(SimRaftMember m) {
    return m.machine;
  }
}
