package io.polis.raft;

import io.polis.time.Clock;
import java.io.IOException;

/**
 * Decides when a {@link FileRaftStorage} forces what it wrote, per its {@link FileStorageConfig.SyncPolicy},
 * and keeps the hard state, writing it when it must be durable.
 *
 * <p>A change of term or vote is written and forced at once, whatever the policy. A change of the commit
 * index alone is written at most every {@link #COMMIT_WRITE_INTERVAL} (never under {@code NEVER}), and by
 * {@link #syncAll()}: Raft does not need it durable (a restarted member relearns it from the leader), and
 * each write costs two forces (the file and its directory), which on a busy group would double the
 * forces per write and stall the driver.
 */
final class Durability {

  /** How often a commit-only change of the hard state is written at most. */
  static final long COMMIT_WRITE_INTERVAL = java.time.Duration.ofSeconds(1).toNanos();

  private final FileStorageConfig.SyncPolicy policy;
  private final long intervalNanos;
  private final Clock clock;
  private final Syncer syncer;
  private final SegmentedLog segments;
  private final HardStateFile hardStateFile;
  private HardState hardState;
  private boolean hardStateUnwritten;
  private long lastHardStateWrite;
  private long lastSync;

  Durability(FileStorageConfig config, Clock clock, Syncer syncer, SegmentedLog segments,
      HardStateFile hardStateFile, HardState hardState) {
    this.policy = config.syncPolicy();
    this.intervalNanos = config.syncInterval().toNanos();
    this.clock = clock;
    this.syncer = syncer;
    this.segments = segments;
    this.hardStateFile = hardStateFile;
    this.hardState = hardState;
    this.lastHardStateWrite = clock.nanos();
    this.lastSync = lastHardStateWrite;
  }

  HardState hardState() {
    return hardState;
  }

  /** Takes a new hard state; writes and forces it now when the term or the vote changed. */
  void saveHardState(HardState newState) throws IOException {
    if (newState.equals(hardState)) {
      return;
    }
    boolean voteChanged = newState.term() != hardState.term()
        || !java.util.Objects.equals(newState.votedFor(), hardState.votedFor());
    hardState = newState;
    if (voteChanged) {
      writeHardState();
    } else {
      hardStateUnwritten = true;
    }
  }

  /** Forces what the policy says must be durable by now, after a save. */
  void afterSave() throws IOException {
    long now = clock.nanos();
    if (policy == FileStorageConfig.SyncPolicy.ALWAYS || intervalPassed(now)) {
      syncLog(now);
    }
    writeHardStateIfDue(now);
  }

  /**
   * Decides, after a write whose force is left to the caller, whether the policy wants the log forced now;
   * writes a commit-only hard state that is due.
   *
   * @return true when the caller owes the log a force ({@link SegmentedLog#forceWritten()})
   */
  boolean afterWrite() throws IOException {
    long now = clock.nanos();
    boolean owed = (policy == FileStorageConfig.SyncPolicy.ALWAYS || intervalPassed(now)) && segments.needsSync();
    if (owed) {
      lastSync = now; // the caller forces it; under INTERVAL the next one is due an interval from now
    }
    writeHardStateIfDue(now);
    return owed;
  }

  /**
   * Forces what the policy says is due by now on the driver's tick. Under {@code ALWAYS} the log is left
   * alone: every save forced its writes, and a write's force is owed by whoever wrote.
   */
  void due() throws IOException {
    long now = clock.nanos();
    if (intervalPassed(now)) {
      syncLog(now);
    }
    writeHardStateIfDue(now);
  }

  private boolean intervalPassed(long now) {
    return policy == FileStorageConfig.SyncPolicy.INTERVAL && now - lastSync >= intervalNanos;
  }

  private void writeHardStateIfDue(long now) throws IOException {
    if (hardStateUnwritten && policy != FileStorageConfig.SyncPolicy.NEVER
        && now - lastHardStateWrite >= Math.max(intervalNanos, COMMIT_WRITE_INTERVAL)) {
      writeHardState();
    }
  }

  /** Forces everything written, including a hard state not yet written. */
  void syncAll() throws IOException {
    syncLog(clock.nanos());
    if (hardStateUnwritten) {
      writeHardState();
    }
  }

  private void syncLog(long now) throws IOException {
    if (segments.needsSync()) {
      segments.sync();
    }
    lastSync = now;
  }

  private void writeHardState() throws IOException {
    hardStateFile.write(hardState, syncer);
    hardStateUnwritten = false;
    lastHardStateWrite = clock.nanos();
  }
}
