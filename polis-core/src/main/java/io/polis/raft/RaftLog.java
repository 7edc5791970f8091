package io.polis.raft;

import io.polis.wire.LogEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A member's log as the core sees it: what storage holds plus the unstable tail not yet saved, and the
 * commit and apply positions. Indexes below {@code unstableOffset} are read from storage.
 */
final class RaftLog {

  /** Returned by {@link #term(long)} for an index the log does not hold. */
  static final long UNKNOWN_TERM = -1;

  private final RaftStorage storage;
  private final List<LogEntry> unstable = new ArrayList<>();
  /** A snapshot from the leader that replaces the whole log, until the driver has installed it. */
  private @Nullable SnapshotMeta pendingSnapshot;
  private long unstableOffset;
  private long committed;
  private long applied;

  /**
   * @param appliedIndex where the state machine starts: the index of the snapshot it was restored from,
   *     or 0; at least {@code storage.firstIndex() - 1}
   */
  RaftLog(RaftStorage storage, long appliedIndex) {
    if (appliedIndex < storage.firstIndex() - 1 || appliedIndex > storage.lastIndex()) {
      throw new IllegalArgumentException("the state machine starts at entry " + appliedIndex + " but the log holds ["
          + storage.firstIndex() + ", " + storage.lastIndex() + "]: the log must start at or before it and reach it");
    }
    this.storage = storage;
    this.unstableOffset = storage.lastIndex() + 1;
    // The saved commit index is trusted only as far as the saved log reaches; a snapshot is committed.
    this.committed = Math.max(appliedIndex, Math.min(storage.hardState().commit(), storage.lastIndex()));
    this.applied = appliedIndex;
  }

  long committed() {
    return committed;
  }

  long applied() {
    return applied;
  }

  long firstIndex() {
    return pendingSnapshot != null ? pendingSnapshot.index() + 1 : storage.firstIndex();
  }

  long lastIndex() {
    return unstable.isEmpty() ? lastStableIndex() : unstableOffset + unstable.size() - 1;
  }

  /** The last index saved to storage and not about to be replaced by the unstable entries. */
  long lastStableIndex() {
    if (!unstable.isEmpty()) {
      return unstableOffset - 1;
    }
    return pendingSnapshot != null ? pendingSnapshot.index() : storage.lastIndex();
  }

  /** The snapshot the driver must install before saving the unstable entries, or null. */
  @Nullable SnapshotMeta pendingSnapshot() {
    return pendingSnapshot;
  }

  /**
   * Raft §7: the log is replaced by a snapshot from the leader, which is committed; the driver installs it
   * (storage and state machine) before anything after it is saved or applied.
   */
  void restore(SnapshotMeta snapshot) {
    pendingSnapshot = snapshot;
    unstable.clear();
    unstableOffset = snapshot.index() + 1;
    committed = snapshot.index();
    applied = snapshot.index();
  }

  /** The driver installed the snapshot handed out with a batch. */
  void snapshotInstalled(SnapshotMeta snapshot) {
    if (snapshot.equals(pendingSnapshot)) {
      pendingSnapshot = null;
    }
  }

  long lastTerm() {
    return term(lastIndex());
  }

  /** Returns the term at {@code index}, or {@link #UNKNOWN_TERM} when the log does not hold it. */
  long term(long index) {
    if (index < firstIndex() - 1 || index > lastIndex()) {
      return UNKNOWN_TERM;
    }
    if (index == 0) {
      return 0;
    }
    if (index >= unstableOffset) {
      return unstable.get((int) (index - unstableOffset)).term();
    }
    if (pendingSnapshot != null) {
      return pendingSnapshot.term(); // the only index below unstableOffset still in range
    }
    return storage.term(index);
  }

  boolean matchTerm(long index, long term) {
    return term(index) == term;
  }

  /** Raft §5.4.1: a candidate's log is at least as up to date as this one. */
  boolean isUpToDate(long lastIndex, long lastTerm) {
    long myTerm = lastTerm();
    return lastTerm > myTerm || (lastTerm == myTerm && lastIndex >= lastIndex());
  }

  /** The leader appends entries it created; they follow the last index. */
  void append(List<LogEntry> entries) {
    if (!entries.isEmpty()) {
      truncateAndAppend(entries);
    }
  }

  /**
   * Raft §5.3: if the entry at {@code prevIndex} has {@code prevTerm}, appends the entries (dropping a
   * conflicting suffix first) and advances the commit index.
   *
   * @return the index of the last new entry, or -1 when the log does not match at {@code prevIndex}
   */
  long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<LogEntry> entries,
      java.util.function.Consumer<List<LogEntry>> onAppended) {
    if (!matchTerm(prevIndex, prevTerm)) {
      return -1;
    }
    long lastNew = prevIndex + entries.size();
    long conflict = findConflict(entries);
    if (conflict != 0) {
      if (conflict <= committed) {
        throw new IllegalStateException("entry " + conflict + " conflicts with the committed log (commit "
            + committed + "): a leader sent a log that contradicts committed entries");
      }
      List<LogEntry> appended = entries.subList((int) (conflict - entries.get(0).index()), entries.size());
      truncateAndAppend(appended);
      onAppended.accept(appended);
    }
    commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /** Returns the index of the first entry that is new or differs in term, or 0 when all are present. */
  private long findConflict(List<LogEntry> entries) {
    for (LogEntry e : entries) {
      if (!matchTerm(e.index(), e.term())) {
        return e.index();
      }
    }
    return 0;
  }

  /**
   * Returns the highest index at or below {@code index} whose term is at most {@code term}: where a
   * rejected leader's log can next match (fast back-tracking, as in etcd-raft).
   */
  long findConflictByTerm(long index, long term) {
    long i = Math.min(index, lastIndex());
    while (i > 0) {
      long t = term(i);
      if (t == UNKNOWN_TERM || t <= term) {
        break;
      }
      i--;
    }
    return i;
  }

  private void truncateAndAppend(List<LogEntry> entries) {
    long after = entries.get(0).index();
    if (after == unstableOffset + unstable.size()) {
      unstable.addAll(entries);
    } else if (after <= unstableOffset) {
      // Replaces entries already in storage: the next save overwrites storage from `after` on.
      unstableOffset = after;
      unstable.clear();
      unstable.addAll(entries);
    } else {
      unstable.subList((int) (after - unstableOffset), unstable.size()).clear();
      unstable.addAll(entries);
    }
  }

  void commitTo(long index) {
    if (index > committed) {
      if (index > lastIndex()) {
        throw new IllegalStateException("commit " + index + " is beyond the last index " + lastIndex());
      }
      committed = index;
    }
  }

  /** Entries in {@code [from, toExclusive)}, at most about {@code maxBytes} (at least one). */
  List<LogEntry> slice(long from, long toExclusive, long maxBytes) {
    if (from >= toExclusive) {
      return List.of();
    }
    List<LogEntry> out = new ArrayList<>();
    long bytes = 0;
    if (from < unstableOffset) {
      List<LogEntry> stored = storage.entries(from, Math.min(toExclusive, unstableOffset), maxBytes);
      for (LogEntry e : stored) {
        bytes += e.sizeInBytes();
      }
      out.addAll(stored);
      if (out.size() < Math.min(toExclusive, unstableOffset) - from) {
        return out; // the byte limit cut the stored part short
      }
    }
    for (long i = Math.max(from, unstableOffset); i < toExclusive; i++) {
      LogEntry e = unstable.get((int) (i - unstableOffset));
      bytes += e.sizeInBytes();
      if (!out.isEmpty() && bytes > maxBytes) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  List<LogEntry> unstableEntries() {
    return unstable.isEmpty() ? List.of() : List.copyOf(unstable);
  }

  /** Entries committed but not yet handed out for applying. */
  List<LogEntry> committedToApply() {
    return applied < committed ? slice(applied + 1, committed + 1, Long.MAX_VALUE) : Collections.emptyList();
  }

  /** The driver saved the unstable entries up to {@code index} (with {@code term} at that index). */
  void stableTo(long index, long term) {
    if (index >= unstableOffset && index < unstableOffset + unstable.size()
        && unstable.get((int) (index - unstableOffset)).term() == term) {
      unstable.subList(0, (int) (index - unstableOffset + 1)).clear();
      unstableOffset = index + 1;
    }
  }

  void appliedTo(long index) {
    if (index > committed || index < applied) {
      throw new IllegalStateException("applied " + index + " outside [" + applied + ", " + committed + "]");
    }
    applied = index;
  }
}
