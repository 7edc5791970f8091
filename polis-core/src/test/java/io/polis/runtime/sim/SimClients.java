package io.polis.runtime.sim;

import io.polis.KeyValueStore;
import io.polis.ReadConsistency;
import io.polis.Versioned;
import io.polis.kv.CheckerOutputs;
import io.polis.kv.KvStateMachine;
import io.polis.kv.ReplicatedKeyValueStore;
import io.polis.raft.ConsensusTimeoutException;
import io.polis.sim.linearizability.HistoryRecorder;
import io.polis.sim.linearizability.Input;
import io.polis.sim.linearizability.Output;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Clients that each run one operation at a time against a random live member, recording the history. */
final class SimClients {
  private static final String[] KEYS = {"a", "b", "c"};

  private final Duration requestTimeout;
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

  SimClients(RaftSimCluster cluster, HistoryRecorder history, SplittableRandom random, ReadConsistency reads,
      Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
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
    cluster.sim.scheduler().schedule(requestTimeout.plusSeconds(1), () -> {
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
    if (RaftFaults.TRACE) {
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
      if (!conf.contains(m.id) || !m.up) { // a member left down for repair takes no requests
        continue;
      }
      String value = "final-" + m.id.shortForm();
      KeyValueStore store = store(m);
      finalRound.add(retrying(() -> store.put("final", utf8(value)), FINAL_ATTEMPTS)
          .thenCompose(a -> retrying(() -> store.get("final"), FINAL_ATTEMPTS))
          .handle((v, e) -> e == null && v.value() != null ? "" : m.id.shortForm() + ": " + e));
    }
  }

  /**
   * Attempts per final request. A client retries a request whose outcome is unknown, as a real one would:
   * right after healing, a connection attempt started while a link was cut can hold messages for up to
   * the transport's connect timeout, longer than one request timeout. (A repeated put is harmless here.)
   */
  static final int FINAL_ATTEMPTS = 3;

  private static <T> java.util.concurrent.CompletableFuture<T> retrying(
      java.util.function.Supplier<java.util.concurrent.CompletableFuture<T>> request, int attempts) {
    return request.get().exceptionallyCompose(e -> attempts > 1 ? retrying(request, attempts - 1)
        : java.util.concurrent.CompletableFuture.failedFuture(e));
  }

  String finalRoundFailures() {
    StringBuilder sb = new StringBuilder();
    finalRound.forEach(f -> sb.append(f.isDone() ? f.join() : "(not done) "));
    return sb.toString().trim();
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
