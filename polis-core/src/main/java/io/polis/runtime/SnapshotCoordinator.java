package io.polis.runtime;

import io.polis.node.MemberId;
import io.polis.raft.RaftCore;
import io.polis.raft.RaftRole;
import io.polis.raft.RaftStorage;
import io.polis.raft.Ready;
import io.polis.raft.SnapshotMeta;
import io.polis.raft.SnapshotStore;
import io.polis.raft.StateMachine;
import io.polis.raft.StoredSnapshot;
import io.polis.time.Clock;
import io.polis.wire.InstallSnapshot;
import io.polis.wire.InstallSnapshotResponse;
import io.polis.wire.LogEntry;
import io.polis.wire.RaftMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a {@link RaftDriver} does with snapshots, on its thread: restoring at start, taking them
 * ({@link Snapshotter}), sending them to followers ({@link SnapshotSender}), receiving them
 * ({@link SnapshotInstaller}) and installing the one a {@link Ready} names. Keeps track of the newest
 * snapshot durable in the store, which is the one sent.
 */
final class SnapshotCoordinator {

  private static final Logger log = LoggerFactory.getLogger(SnapshotCoordinator.class);

  private final MemberId id;
  private final RaftDriverConfig config;
  private final SnapshotStore store;
  private final Executor io;
  private final RaftStorage storage;
  private final Clock clock;
  private final Consumer<Runnable> onDriverThread;
  private final Snapshotter snapshotter;
  private @Nullable RaftCore core;
  private @Nullable SnapshotSender sender;
  private @Nullable SnapshotInstaller installer;
  private @Nullable StoredSnapshot latestStored;

  SnapshotCoordinator(MemberId id, RaftDriverConfig config, SnapshotStore store, Executor io,
      StateMachine stateMachine, CommandApplier applier, RaftStorage storage, Clock clock,
      Consumer<Runnable> onDriverThread) {
    this.id = id;
    this.config = config;
    this.store = Objects.requireNonNull(store, "snapshots");
    this.io = Objects.requireNonNull(io, "snapshotIo");
    this.storage = storage;
    this.clock = clock;
    this.onDriverThread = onDriverThread;
    this.snapshotter = new Snapshotter(id, config.snapshots(), store, io, stateMachine, applier, storage,
        onDriverThread, this::stored);
  }

  /**
   * Restores the state machine from the newest snapshot, before the core is made.
   *
   * @return the snapshot the state machine now holds, or null
   */
  @Nullable SnapshotMeta restoreAtStart() {
    latestStored = snapshotter.restoreAtStart();
    return latestStored == null ? null : latestStored.meta();
  }

  /** Connects the core, and how to send to peers. */
  void attach(RaftCore core, BiConsumer<MemberId, RaftMessage> send) {
    this.core = core;
    snapshotter.attach(core);
    long electionNanos = config.tickInterval().toNanos() * config.raft().electionTicks();
    sender = new SnapshotSender(new SenderHost(send), io, config.snapshots().chunkBytes(),
        config.requestTimeout().toNanos(), electionNanos);
    installer = new SnapshotInstaller(id, config.group(), store, core, send, this::stored);
  }

  /** Handles snapshot chunks and their answers; returns false for any other message. */
  boolean onMessage(MemberId from, RaftMessage message) {
    if (message instanceof InstallSnapshot chunk) {
      installer().onChunk(from, chunk);
      return true;
    }
    if (message instanceof InstallSnapshotResponse answer) {
      sender().onResponse(from, answer);
      return true;
    }
    return false;
  }

  void tick() {
    sender().tick(core().role() == RaftRole.LEADER, core().term());
  }

  /** A Ready's first step: the log starts after the leader's snapshot and the state machine holds its state. */
  void install(SnapshotMeta meta) {
    StoredSnapshot stored = latestStored;
    if (stored == null || !stored.meta().equals(meta)) {
      throw new IllegalStateException("the core installs snapshot " + meta.index() + " but the store's newest is "
          + (stored == null ? "none" : stored.meta().index()));
    }
    storage.installSnapshot(meta.index(), meta.term());
    try {
      snapshotter.restore(stored);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore the state machine from snapshot " + meta.index(), e);
    }
    log.info("{} installed snapshot {} (term {}) at term {}", id.shortForm(), meta.index(), meta.term(),
        core().term());
  }

  /** Starts the transfers a Ready asks for. */
  void send(Ready ready) {
    sender().start(ready.snapshotTargets(), ready.term());
  }

  /** Counts applied entries toward the next snapshot. */
  void applied(List<LogEntry> entries) {
    snapshotter.applied(entries);
  }

  private void stored(StoredSnapshot snapshot) {
    if (latestStored == null || snapshot.meta().index() >= latestStored.meta().index()) {
      latestStored = snapshot;
    }
    core().snapshotSaved(snapshot.meta());
  }

  private RaftCore core() {
    return Objects.requireNonNull(core, "attach() first");
  }

  private SnapshotSender sender() {
    return Objects.requireNonNull(sender, "attach() first");
  }

  private SnapshotInstaller installer() {
    return Objects.requireNonNull(installer, "attach() first");
  }

  /** The sender's view of this member. */
  private final class SenderHost implements SnapshotSender.Host {
    private final BiConsumer<MemberId, RaftMessage> send;

    SenderHost(BiConsumer<MemberId, RaftMessage> send) {
      this.send = send;
    }

    @Override
    public MemberId id() {
      return id;
    }

    @Override
    public String group() {
      return config.group();
    }

    @Override
    public SnapshotStore store() {
      return store;
    }

    @Override
    public @Nullable StoredSnapshot latestStored() {
      return latestStored;
    }

    @Override
    public long nanos() {
      return clock.nanos();
    }

    @Override
    public void send(MemberId to, RaftMessage message) {
      send.accept(to, message);
    }

    @Override
    public void onDriverThread(Runnable task) {
      onDriverThread.accept(task);
    }

    @Override
    public void ended(MemberId to, boolean finished) {
      core().snapshotTransferEnded(to, finished);
    }
  }
}
