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
    // Commits announced at once, as the paper's scenarios expect; CommitNoticeTest covers the default.
    return RaftConfig.builder().electionTicks(10).heartbeatTicks(1).announceCommitAtOnce(true);
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

  /** A member's newest snapshot: its metadata and the entries applied up to it (the "state"). */
  record Snapshot(SnapshotMeta meta, List<LogEntry> applied) {}

  final Map<MemberId, Snapshot> snapshots = new LinkedHashMap<>();
  /**
   * Members whose batches as leader are written and left unforced ({@link RaftCore#advanceWritten}), as the
   * driver does, until {@link #finishForce} reports them durable.
   */
  final Set<MemberId> forcesInBackground = new HashSet<>();
  /** Per member: index and term of the last entry written as leader and not yet reported durable. */
  final Map<MemberId, long[]> forceOwed = new LinkedHashMap<>();
  /** Snapshot transfers sent, per sender. */
  int snapshotsSent;

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
    Snapshot snapshot = snapshots.get(id);
    // A restarted member's state machine starts from its snapshot, or empty, and applies again from there.
    applied.get(id).clear();
    if (snapshot != null) {
      applied.get(id).addAll(snapshot.applied());
    }
    storages.put(id, storages.get(id));
    cores.put(id, new RaftCore(id, "g", config, storages.get(id), initial, snapshot == null ? null : snapshot.meta(),
        random.split()));
  }

  /** Member i snapshots its state at {@code index} (applied already) and compacts its log up to it. */
  void snapshotAndCompact(int i, long index) {
    MemberId id = ids.get(i);
    RaftCore core = cores.get(id);
    SnapshotMeta meta = new SnapshotMeta(index, core.termAt(index), core.configurationAt(index));
    List<LogEntry> state = new ArrayList<>();
    for (LogEntry e : applied.get(id)) {
      if (e.index() <= index) {
        state.add(e);
      }
    }
    snapshots.put(id, new Snapshot(meta, List.copyOf(state)));
    core.snapshotSaved(meta);
    storages.get(id).compact(index, meta.term());
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
        if (ready.snapshot() != null) {
          Snapshot received = snapshots.get(e.getKey());
          storages.get(e.getKey()).installSnapshot(ready.snapshot().index(), ready.snapshot().term());
          applied.get(e.getKey()).clear();
          applied.get(e.getKey()).addAll(received.applied());
        }
        storages.get(e.getKey()).save(ready.hardState(), ready.entries());
        for (Outbound out : ready.messages()) {
          inFlight.add(new Envelope(e.getKey(), out));
        }
        for (MemberId target : ready.snapshotTargets()) {
          // The whole transfer as one message; the driver's chunking is tested apart.
          SnapshotMeta meta = snapshots.get(e.getKey()).meta();
          inFlight.add(new Envelope(e.getKey(), new Outbound(target, new io.polis.wire.InstallSnapshot("g", core.term(),
              meta.index(), meta.term(), meta.configuration().encode(), 0, 0, 0, new byte[0]))));
          snapshotsSent++;
        }
        applied.get(e.getKey()).addAll(ready.committedEntries());
        reads.get(e.getKey()).addAll(ready.readStates());
        if (forcesInBackground.contains(e.getKey()) && ready.role() == RaftRole.LEADER) {
          core.advanceWritten(ready);
          if (!ready.entries().isEmpty()) {
            LogEntry last = ready.entries().get(ready.entries().size() - 1);
            forceOwed.put(e.getKey(), new long[] {last.index(), last.term()});
          }
        } else {
          core.advance(ready);
        }
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
    boolean lost = down.contains(to) || down.contains(e.from()) || cut.contains(List.of(e.from(), to))
        || dropFilter.test(e) || !cores.containsKey(to);
    if (e.out().message() instanceof io.polis.wire.InstallSnapshot m) {
      if (!down.contains(e.from())) {
        if (!lost) {
          // Received whole: the receiver now holds the sender's snapshot and offers it to its core.
          Snapshot sent = snapshots.get(e.from());
          snapshots.put(to, sent);
          cores.get(to).offerSnapshot(e.from(), m.term(), sent.meta());
        }
        cores.get(e.from()).snapshotTransferEnded(to, !lost);
      }
      return;
    }
    if (lost) {
      return;
    }
    cores.get(to).step(e.from(), e.out().message());
  }

  /** Member i's background force ends: what it wrote as leader so far is reported durable. */
  void finishForce(int i) {
    long[] owed = forceOwed.remove(ids.get(i));
    if (owed != null) {
      core(i).persistedTo(owed[0], owed[1]);
    }
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
