package io.polis.raft;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.wire.LogEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Scripted-test fixture: several {@link RaftCore}s wired by a perfect, synchronous network the test
 * controls (like etcd-raft's interaction tests). Nothing happens unless the test ticks or stabilizes.
 * Each member keeps an {@link InMemoryRaftStorage} and the list of entries it applied.
 */
final class RaftNet {

  /**
   * The settings scripted tests count ticks against: a 10-tick election timeout and a heartbeat every
   * tick, so one tick of the leader sends a heartbeat. Independent of the product's defaults on purpose.
   */
  static final RaftConfig SCRIPTED = scriptedBuilder().build();

  static RaftConfig.Builder scriptedBuilder() {
    return RaftConfig.builder().electionTicks(10).heartbeatTicks(1);
  }

  final List<MemberId> ids = new ArrayList<>();
  final Map<MemberId, RaftCore> cores = new LinkedHashMap<>();
  final Map<MemberId, InMemoryRaftStorage> storages = new LinkedHashMap<>();
  final Map<MemberId, List<LogEntry>> applied = new LinkedHashMap<>();
  final Map<MemberId, List<ReadState>> reads = new LinkedHashMap<>();
  final ArrayDeque<Envelope> inFlight = new ArrayDeque<>();
  final Set<MemberId> down = new HashSet<>();
  private final Set<List<MemberId>> cut = new HashSet<>();
  private Predicate<Envelope> dropFilter = e -> false;
  private final RaftConfig config;
  private final SplittableRandom random;
  final Configuration initial;

  record Envelope(MemberId from, Outbound out) {}

  RaftNet(int voters, RaftConfig config, long seed) {
    this.config = config;
    this.random = new SplittableRandom(seed);
    Map<MemberId, Address> v = new LinkedHashMap<>();
    for (int i = 0; i < voters; i++) {
      MemberId id = new MemberId(new java.util.UUID(0, i + 1));
      ids.add(id);
      v.put(id, new Address("127.0.0.1", 9000 + i));
    }
    initial = new Configuration(v, Map.of());
    for (MemberId id : ids) {
      start(id, new InMemoryRaftStorage(), initial);
    }
  }

  static RaftNet of(int voters) {
    return new RaftNet(voters, SCRIPTED, 1);
  }

  MemberId id(int i) {
    return ids.get(i);
  }

  RaftCore core(int i) {
    return cores.get(ids.get(i));
  }

  /** Adds a member that starts with the given configuration (EMPTY: waits to be added). */
  MemberId addMember(int number, Configuration startWith) {
    MemberId id = new MemberId(new java.util.UUID(0, number));
    ids.add(id);
    start(id, new InMemoryRaftStorage(), startWith);
    return id;
  }

  void start(MemberId id, InMemoryRaftStorage storage, Configuration startWith) {
    storages.put(id, storage);
    cores.put(id, new RaftCore(id, "g", config, storage, startWith, random.split()));
    applied.computeIfAbsent(id, k -> new ArrayList<>());
    reads.computeIfAbsent(id, k -> new ArrayList<>());
  }

  /** Crash: the core is lost with its unsaved state; storage remains. Restart makes a fresh core on it. */
  void crash(int i) {
    MemberId id = ids.get(i);
    down.add(id);
    inFlight.removeIf(e -> e.out().to().equals(id) || e.from().equals(id));
  }

  void restart(int i) {
    MemberId id = ids.get(i);
    down.remove(id);
    applied.get(id).clear(); // a restarted member applies again from the start (no snapshots yet)
    start(id, storages.get(id), initial);
  }

  void isolate(int i) {
    for (MemberId other : ids) {
      if (!other.equals(ids.get(i))) {
        cut(ids.get(i), other);
      }
    }
  }

  void cut(MemberId a, MemberId b) {
    cut.add(List.of(a, b));
    cut.add(List.of(b, a));
  }

  void heal() {
    cut.clear();
    dropFilter = e -> false;
  }

  void dropWhere(Predicate<Envelope> filter) {
    dropFilter = filter;
  }

  /** Handles every member's Ready: save, queue messages, apply. */
  void flushReady() {
    for (Map.Entry<MemberId, RaftCore> e : cores.entrySet()) {
      if (down.contains(e.getKey())) {
        continue;
      }
      RaftCore core = e.getValue();
      while (core.hasReady()) {
        Ready ready = core.ready();
        storages.get(e.getKey()).save(ready.hardState(), ready.entries());
        for (Outbound out : ready.messages()) {
          inFlight.add(new Envelope(e.getKey(), out));
        }
        applied.get(e.getKey()).addAll(ready.committedEntries());
        reads.get(e.getKey()).addAll(ready.readStates());
        core.advance(ready);
      }
    }
  }

  /** Delivers messages until none are left (flushing Ready batches in between). */
  void stabilize() {
    flushReady();
    int guard = 0;
    while (!inFlight.isEmpty()) {
      if (++guard > 1_000_000) {
        throw new AssertionError("network did not settle");
      }
      deliver(inFlight.poll());
      flushReady();
    }
  }

  /** Delivers only the messages queued now, then flushes. */
  void deliverQueued() {
    int n = inFlight.size();
    for (int i = 0; i < n; i++) {
      deliver(inFlight.poll());
    }
    flushReady();
  }

  private void deliver(Envelope e) {
    MemberId to = e.out().to();
    if (down.contains(to) || down.contains(e.from()) || cut.contains(List.of(e.from(), to)) || dropFilter.test(e)
        || !cores.containsKey(to)) {
      return;
    }
    cores.get(to).step(e.from(), e.out().message());
  }

  void tick(int i) {
    cores.get(ids.get(i)).tick();
  }

  void tickAll(int times) {
    for (int t = 0; t < times; t++) {
      for (MemberId id : ids) {
        if (!down.contains(id)) {
          cores.get(id).tick();
        }
      }
      stabilize();
    }
  }

  /** Campaigns member i and settles; returns it. */
  RaftCore elect(int i) {
    core(i).campaign();
    stabilize();
    return core(i);
  }

  RaftCore leader() {
    RaftCore found = null;
    for (MemberId id : ids) {
      RaftCore c = cores.get(id);
      if (!down.contains(id) && c.role() == RaftRole.LEADER && (found == null || c.term() > found.term())) {
        found = c;
      }
    }
    return found;
  }

  void propose(int i, String command) {
    core(i).propose(List.of(command.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  List<String> appliedCommands(int i) {
    List<String> out = new ArrayList<>();
    for (LogEntry e : applied.get(ids.get(i))) {
      if (e.kind() == io.polis.wire.EntryKind.COMMAND) {
        out.add(new String(e.data(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
