package io.polis.raft;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.LogEntry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends AppendRequests from the leader, within each follower's flow-control limits (Raft §5.3). */
final class Replicator {

  private static final Logger log = LoggerFactory.getLogger(Replicator.class);

  private final RaftCore c;

  Replicator(RaftCore core) {
    this.c = core;
  }

  void broadcastAppend() {
    for (MemberId peer : c.tracker.peers()) {
      sendAppend(peer, true);
    }
  }

  /**
   * Sends the follower the entries it lacks, from its next index.
   *
   * @param sendIfEmpty send even with no entries, to carry the commit index or probe
   * @return whether a message was sent
   */
  boolean sendAppend(MemberId to, boolean sendIfEmpty) {
    Progress p = c.tracker.progress(to);
    if (p == null || p.isPaused()) {
      return false;
    }
    RaftLog raftLog = c.raftLog;
    long prevIndex = p.next - 1;
    long prevTerm = raftLog.term(prevIndex);
    if (prevTerm == RaftLog.UNKNOWN_TERM) {
      return sendSnapshot(to, p, prevIndex);
    }
    List<LogEntry> entries = raftLog.slice(p.next, raftLog.lastIndex() + 1, c.config.maxEntriesBytesPerMessage());
    if (entries.isEmpty() && !sendIfEmpty) {
      return false;
    }
    long bytes = 0;
    for (LogEntry e : entries) {
      bytes += e.sizeInBytes();
    }
    c.send(to, new AppendRequest(c.group, c.term, prevIndex, prevTerm, raftLog.committed(), entries));
    p.toldCommit(raftLog.committed());
    p.sent(prevIndex + entries.size(), bytes, !entries.isEmpty());
    return true;
  }

  /** Raft §7: the member needs entries compacted away, so it gets the newest snapshot instead. */
  private boolean sendSnapshot(MemberId to, Progress p, long prevIndex) {
    SnapshotMeta snapshot = c.latestSnapshot;
    if (snapshot == null || snapshot.index() < c.raftLog.firstIndex() - 1) {
      // Compaction only ever follows a durable snapshot, so this is a driver bug, not a state to wait out.
      log.error("{} cannot replicate to {}: entry {} was compacted away and no snapshot covers it",
          c.id.shortForm(), to.shortForm(), prevIndex);
      return false;
    }
    log.info("{} sends snapshot at index {} (term {}) to {} at term {}: it needs entry {}, compacted away",
        c.id.shortForm(), snapshot.index(), snapshot.term(), to.shortForm(), c.term, prevIndex + 1);
    p.becomeSnapshot(snapshot.index());
    c.snapshotTargets.add(to);
    return true;
  }
}
