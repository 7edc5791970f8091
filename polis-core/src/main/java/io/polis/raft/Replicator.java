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
      log.warn("{} cannot replicate to {}: entry {} is no longer in the log", c.id.shortForm(), to.shortForm(),
          prevIndex);
      return false;
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
    p.sent(prevIndex + entries.size(), bytes, !entries.isEmpty());
    return true;
  }
}
