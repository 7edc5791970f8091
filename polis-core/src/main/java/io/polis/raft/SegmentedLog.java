package io.polis.raft;

import io.polis.wire.LogEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's entries across its segment files: appends to the last segment (starting a new one when it is
 * full), truncates a suffix, deletes compacted segments, and remembers what still needs a force.
 *
 * <p>A save's entries always go to one segment with one write: a new segment starts before a save that
 * would overflow the last one, never in the middle of it. So a segment may exceed the configured size by
 * one save, and a save costs one force of one file (plus the directory when it started a segment).
 *
 * <p><b>Threads.</b> The driver's thread calls everything except {@link #forceWritten()}, which one other
 * thread may run at a time, while the driver goes on appending: a force started after an append makes that
 * append durable, whatever was appended during the force is left for the next one. Every change other
 * than an append (truncation, deletion, close) and every other force first waits for a running
 * {@link #forceWritten()} to end, so that no file is cut, deleted or closed under it.
 */
final class SegmentedLog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SegmentedLog.class);

  private final Path directory;
  private final long segmentBytes;
  private final long preallocateBytes;
  /** Whether the policy forces anything: deletions, and a segment's writes before the next one starts. */
  private final boolean syncDeletions;
  private final Syncer syncer;
  private final List<LogSegment> segments;
  /** Guarded by {@code this}: appends add to it while a background force takes it. */
  private final Set<LogSegment> unsynced = Collections.newSetFromMap(new IdentityHashMap<>());
  /** Held for the whole of every force and every change but an append; see the class comment. */
  private final ReentrantLock forceLock = new ReentrantLock();
  /** Guarded by {@code this}. */
  private boolean directoryUnsynced;
  /** Guarded by {@link #forceLock}. */
  private boolean closed;
  /** The last index when no segment is left: where the log was compacted. */
  private long baseIndex;

  SegmentedLog(Path directory, List<LogSegment> segments, long baseIndex, FileStorageConfig config, Syncer syncer) {
    this.directory = directory;
    this.segments = new ArrayList<>(segments);
    this.baseIndex = baseIndex;
    this.segmentBytes = config.segmentBytes();
    this.preallocateBytes = Math.min(config.preallocateBytes(), config.segmentBytes());
    this.syncDeletions = config.syncPolicy() != FileStorageConfig.SyncPolicy.NEVER;
    this.syncer = syncer;
  }

  boolean hasSegments() {
    return !segments.isEmpty();
  }

  int segmentCount() {
    return segments.size();
  }

  long lastIndex() {
    return segments.isEmpty() ? baseIndex : last().lastIndex();
  }

  long term(long index) {
    return find(index).term(index);
  }

  /** Returns {@link LogEntry#sizeInBytes()} of the entry at {@code index} without reading it. */
  long entrySize(long index) {
    return find(index).recordBytes(index) - LogRecordCodec.SIZE_IN_BYTES_DELTA;
  }

  /** Returns the indexes of the configuration entries held from {@code from} on, ascending. */
  List<Long> configurationIndexes(long from) {
    List<Long> out = new ArrayList<>();
    for (LogSegment segment : segments) {
      for (long index : segment.configurationIndexes()) {
        if (index >= from) {
          out.add(index);
        }
      }
    }
    return out;
  }

  /** Reads entries {@code [from, toExclusive)}: one read per segment they span. */
  List<LogEntry> read(long from, long toExclusive) throws IOException {
    List<LogEntry> out = new ArrayList<>((int) (toExclusive - from));
    int i = slot(from);
    for (long next = from; next < toExclusive; i++) {
      LogSegment segment = segments.get(i);
      long end = Math.min(toExclusive, segment.lastIndex() + 1);
      out.addAll(segment.read(next, end));
      next = end;
    }
    return out;
  }

  /**
   * Appends entries that follow {@link #lastIndex()} with one write. Does not wait for a running
   * {@link #forceWritten()}, unless it starts a segment while the last one has writes not yet forced: then
   * it forces them first (except under {@code NEVER}). A crash may keep one file's unforced writes and lose
   * another's, and a lost tail in a segment followed by a kept one is a hole the open refuses.
   */
  void append(List<LogEntry> entries) throws IOException {
    long total = 0;
    for (LogEntry e : entries) {
      total += LogRecordCodec.recordBytes(e);
    }
    if (total > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("a save of " + total + " bytes is too large for one write");
    }
    if (syncDeletions && startsSegment(total)) {
      sync(); // also waits for a background force that took the last segment's writes and has not ended
    }
    appendLocked(entries, total);
  }

  private synchronized boolean startsSegment(long total) {
    return segments.isEmpty() || (!last().isEmpty() && last().size() + total > segmentBytes);
  }

  private synchronized void appendLocked(List<LogEntry> entries, long total) throws IOException {
    LogSegment active = segments.isEmpty() ? null : last();
    if (active == null || (!active.isEmpty() && active.size() + total > segmentBytes)) {
      active = LogSegment.create(directory, entries.get(0).index());
      segments.add(active);
      directoryUnsynced = true;
      log.debug("{}: started a segment at entry {}", active.path(), active.firstIndex());
    }
    active.append(entries, (int) total, preallocateBytes);
    unsynced.add(active);
  }

  /**
   * Drops the entries at and after {@code index}, which is at least the first index held: later segments
   * are deleted, newest first so that a crash midway leaves a shorter log, never one with a hole.
   */
  void truncateFrom(long index) throws IOException {
    forceLock.lock();
    try {
      truncateLocked(index);
    } finally {
      forceLock.unlock();
    }
  }

  private synchronized void truncateLocked(long index) throws IOException {
    boolean deleted = false;
    while (!segments.isEmpty() && last().firstIndex() > index) {
      LogSegment segment = segments.remove(segments.size() - 1);
      unsynced.remove(segment);
      segment.delete();
      deleted = true;
      log.debug("{}: deleted, truncating the log at entry {}", segment.path(), index);
    }
    if (!segments.isEmpty() && index <= last().lastIndex()) {
      last().truncateFrom(index);
      unsynced.add(last());
    }
    if (deleted && syncDeletions) {
      // A deleted segment that came back after a machine crash would resurrect entries Raft overwrote.
      syncer.forceDirectory(directory);
      directoryUnsynced = false;
    }
  }

  /**
   * Deletes the segments holding nothing after {@code index}. No directory force: a segment that comes
   * back after a crash is deleted again at open, since the compaction mark was forced first.
   */
  void discardUpTo(long index) throws IOException {
    forceLock.lock();
    try {
      discardLocked(index);
    } finally {
      forceLock.unlock();
    }
  }

  private synchronized void discardLocked(long index) throws IOException {
    long lastIndex = lastIndex();
    while (!segments.isEmpty() && segments.get(0).lastIndex() <= index) {
      LogSegment segment = segments.remove(0);
      unsynced.remove(segment);
      segment.delete();
      log.debug("{}: deleted, compacted away", segment.path());
    }
    if (segments.isEmpty()) {
      baseIndex = Math.max(lastIndex, index);
    }
  }

  synchronized boolean needsSync() {
    return !unsynced.isEmpty() || directoryUnsynced;
  }

  /**
   * Forces every segment written since the last sync, and the directory if a segment was created; first
   * waits for a running {@link #forceWritten()}, which leaves for this one only what it did not take.
   */
  void sync() throws IOException {
    forceLock.lock();
    try {
      forceTaken();
    } finally {
      forceLock.unlock();
    }
  }

  /**
   * Like {@link #sync()}, but callable from a thread other than the driver's while the driver appends:
   * what was appended before the call is durable when it returns.
   *
   * @throws IllegalStateException if the log was closed meanwhile
   */
  void forceWritten() throws IOException {
    forceLock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the log in " + directory + " is closed");
      }
      forceTaken();
    } finally {
      forceLock.unlock();
    }
  }

  /** Takes what needs a force under the monitor, then forces it outside, so appends can go on meanwhile. */
  private void forceTaken() throws IOException {
    List<LogSegment> segmentsToForce;
    boolean forceDirectory;
    synchronized (this) {
      segmentsToForce = new ArrayList<>(unsynced);
      unsynced.clear();
      forceDirectory = directoryUnsynced;
      directoryUnsynced = false;
    }
    // Segment before directory, as before: a crash in between leaves a new segment unlinked, whose
    // entries were then never reported durable.
    for (LogSegment segment : segmentsToForce) {
      segment.force(syncer);
    }
    if (forceDirectory) {
      syncer.forceDirectory(directory);
    }
  }

  @Override
  public void close() throws IOException {
    forceLock.lock();
    try {
      closed = true;
      closeSegments();
    } finally {
      forceLock.unlock();
    }
  }

  private synchronized void closeSegments() throws IOException {
    IOException failure = null;
    for (LogSegment segment : segments) {
      try {
        segment.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private LogSegment last() {
    return segments.get(segments.size() - 1);
  }

  private LogSegment find(long index) {
    return segments.get(slot(index));
  }

  /** Returns the position of the segment that would hold {@code index}: the last starting at or before it. */
  private int slot(long index) {
    int low = 0;
    int high = segments.size() - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (segments.get(mid).firstIndex() <= index) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    if (segments.isEmpty()) {
      throw new IndexOutOfBoundsException("entry " + index + " is not in the log: it holds no entries");
    }
    return low;
  }
}
