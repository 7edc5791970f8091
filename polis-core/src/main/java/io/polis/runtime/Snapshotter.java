package io.polis.runtime;

import io.polis.node.MemberId;
import io.polis.raft.RaftCore;
import io.polis.raft.RaftStorage;
import io.polis.raft.SnapshotMeta;
import io.polis.raft.SnapshotStore;
import io.polis.raft.StateMachine;
import io.polis.raft.StateSnapshot;
import io.polis.raft.StoredSnapshot;
import io.polis.wire.LogEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes snapshots of the state machine as the {@link SnapshotPolicy} says, writes them on the snapshot
 * I/O executor so the member keeps applying meanwhile, and compacts the log once one is durable. Also
 * restores the state machine from the store at start. Runs on the driver thread.
 */
final class Snapshotter {

  private static final Logger log = LoggerFactory.getLogger(Snapshotter.class);

  private final MemberId id;
  private final SnapshotPolicy policy;
  private final SnapshotStore store;
  private final Executor io;
  private final StateMachine stateMachine;
  private final CommandApplier applier;
  private final RaftStorage storage;
  private final Consumer<Runnable> onDriverThread;
  private final Consumer<StoredSnapshot> saved;
  private @Nullable RaftCore core;
  private long lastSnapshotIndex;
  private long bytesSince;
  private boolean writing;
  private boolean unsupported;

  /**
   * @param onDriverThread posts a task to the driver thread
   * @param saved told on the driver thread of each snapshot made durable
   */
  Snapshotter(MemberId id, SnapshotPolicy policy, SnapshotStore store, Executor io, StateMachine stateMachine,
      CommandApplier applier, RaftStorage storage, Consumer<Runnable> onDriverThread, Consumer<StoredSnapshot> saved) {
    this.id = id;
    this.policy = policy;
    this.store = store;
    this.io = io;
    this.stateMachine = stateMachine;
    this.applier = applier;
    this.storage = storage;
    this.onDriverThread = onDriverThread;
    this.saved = saved;
  }

  /**
   * At start: restores the state machine from the newest snapshot and makes the log start at or before
   * it. A log compacted past every snapshot has lost committed state, and the member refuses to start.
   *
   * @return the snapshot restored, or null when there is none
   * @throws IllegalStateException if the log and the snapshots do not fit together
   * @throws UncheckedIOException if the store cannot be read or its newest snapshot is damaged
   */
  @Nullable StoredSnapshot restoreAtStart() {
    try {
      StoredSnapshot snapshot = store.latest().orElse(null);
      long compacted = storage.firstIndex() - 1;
      if (snapshot == null) {
        if (compacted > 0) {
          throw new IllegalStateException(id.shortForm() + ": the Raft log was compacted up to entry " + compacted
              + " but no snapshot was found: the state before it is lost. Restore the snapshot files, or start this"
              + " member on an empty data directory so that it joins as a new member");
        }
        return null;
      }
      SnapshotMeta meta = snapshot.meta();
      if (meta.index() < compacted) {
        throw new IllegalStateException(id.shortForm() + ": the Raft log was compacted up to entry " + compacted
            + " but the newest snapshot stops at entry " + meta.index() + ": the entries between are lost");
      }
      if (meta.index() > storage.lastIndex() || storage.term(meta.index()) != meta.term()) {
        // A snapshot received from the leader just before a crash, before the log was made to follow it.
        storage.installSnapshot(meta.index(), meta.term());
      }
      restore(snapshot);
      lastSnapshotIndex = meta.index();
      log.info("{} restored its state machine from snapshot {} (term {}, {} bytes)", id.shortForm(), meta.index(),
          meta.term(), snapshot.size());
      return snapshot;
    } catch (IOException e) {
      throw new UncheckedIOException(id.shortForm() + ": cannot read its snapshots", e);
    }
  }

  void attach(RaftCore core) {
    this.core = core;
  }

  /** Restores the state machine from a stored snapshot (at start, or one received from the leader). */
  void restore(StoredSnapshot snapshot) throws IOException {
    try (InputStream in = store.openState(snapshot)) {
      AppliedRequests requests = SnapshotEnvelope.restore(in, stateMachine);
      applier.restoredTo(snapshot.meta().index(), requests);
    }
    lastSnapshotIndex = Math.max(lastSnapshotIndex, snapshot.meta().index());
    bytesSince = 0;
  }

  /** Counts applied entries and takes a snapshot when the policy says. */
  void applied(List<LogEntry> entries) {
    for (LogEntry e : entries) {
      bytesSince += e.sizeInBytes();
    }
    long index = applier.appliedIndex();
    if (writing || unsupported || core == null
        || (index - lastSnapshotIndex < policy.everyEntries() && bytesSince < policy.everyBytes())) {
      return;
    }
    take(core, index);
  }

  private void take(RaftCore core, long index) {
    StateSnapshot state;
    try {
      state = stateMachine.snapshot();
    } catch (UnsupportedOperationException e) {
      unsupported = true;
      log.warn("{} takes no snapshots, so its Raft log is never compacted: {}", id.shortForm(), e.getMessage());
      return;
    }
    SnapshotMeta meta = new SnapshotMeta(index, core.termAt(index), core.configurationAt(index));
    StateSnapshot whole = SnapshotEnvelope.of(applier.requestsForSnapshot(), state);
    writing = true;
    bytesSince = 0;
    io.execute(() -> {
      try {
        StoredSnapshot stored = store.save(meta, whole);
        onDriverThread.accept(() -> onSaved(stored));
      } catch (IOException | RuntimeException e) {
        log.error("{} could not save a snapshot at index {}; the log is not compacted: {}", id.shortForm(), index,
            e.toString());
        onDriverThread.accept(() -> writing = false);
      }
    });
  }

  private void onSaved(StoredSnapshot stored) {
    writing = false;
    long index = stored.meta().index();
    lastSnapshotIndex = Math.max(lastSnapshotIndex, index);
    saved.accept(stored);
    long upTo = index - policy.trailingEntries();
    if (core != null && upTo > storage.firstIndex() - 1 && upTo <= storage.lastIndex()) {
      storage.compact(upTo, core.termAt(upTo));
    }
  }
}
