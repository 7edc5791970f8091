package io.polis.raft;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.AppendResponse;
import io.polis.wire.LogEntry;
import io.polis.wire.RaftHeartbeat;
import io.polis.wire.RaftHeartbeatResponse;
import io.polis.wire.RaftMessage;
import io.polis.wire.ReadIndexResponse;
import io.polis.wire.TimeoutNow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A follower: appends what its leader sends and campaigns when the leader falls silent. */
final class FollowerRole implements RoleBehavior {

  private static final Logger log = LoggerFactory.getLogger(FollowerRole.class);

  private final RaftCore c;

  FollowerRole(RaftCore core) {
    this.c = core;
  }

  @Override
  public RaftRole role() {
    return RaftRole.FOLLOWER;
  }

  @Override
  public void tick() {
    c.electionElapsed++;
    if (c.promotable() && c.electionElapsed >= c.randomizedElectionTimeout) {
      // Raft §5.2: no word from a leader within the election timeout
      Election.campaign(c, false);
    }
  }

  /**
   * Takes a snapshot offered by this term's leader ({@link RaftCore#offerSnapshot}, which checked the sender).
   *
   * @return true when the snapshot replaces the log and is to be installed
   */
  boolean offerSnapshot(MemberId from, SnapshotMeta snapshot) {
    heardFromLeader(from);
    long committed = c.raftLog.committed();
    if (snapshot.index() <= committed) {
      c.send(from, new AppendResponse(c.group, c.term, true, committed, 0, 0));
      return false;
    }
    if (c.raftLog.matchTerm(snapshot.index(), snapshot.term())) {
      // The log already holds it: only the commit index moves (etcd-raft does the same).
      c.raftLog.commitTo(snapshot.index());
      LostEntryRecovery.maybeRecovered(c);
      c.send(from, new AppendResponse(c.group, c.term, true, snapshot.index(), 0, 0));
      return false;
    }
    c.raftLog.restore(snapshot);
    LostEntryRecovery.maybeRecovered(c);
    c.configs.reset(snapshot.configuration());
    c.tracker.reconfigure(snapshot.configuration(), c.raftLog.lastIndex());
    c.snapshotSaved(snapshot);
    log.info("{} installs snapshot at index {} (term {}) from {} at term {}, configuration {}", c.id.shortForm(),
        snapshot.index(), snapshot.term(), from.shortForm(), c.term, snapshot.configuration());
    c.send(from, new AppendResponse(c.group, c.term, true, snapshot.index(), 0, 0));
    return true;
  }

  @Override
  public void step(MemberId from, RaftMessage m) {
    if (m instanceof AppendRequest append) {
      heardFromLeader(from);
      handleAppend(from, append);
    } else if (m instanceof RaftHeartbeat heartbeat) {
      heardFromLeader(from);
      // The leader caps the commit index at what it knows this member holds, so it is safe to take.
      c.raftLog.commitTo(Math.min(heartbeat.commit(), c.raftLog.lastIndex()));
      c.send(from, new RaftHeartbeatResponse(c.group, c.term, heartbeat.context()));
      if (heartbeat.commit() > c.raftLog.lastIndex()) {
        reportLostEntries(from, heartbeat.commit());
      }
    } else if (m instanceof TimeoutNow) {
      // Only the leader may hand over: a TimeoutNow campaign overrides the other members' lease.
      if (c.promotable() && from.equals(c.lead)) {
        log.info("{} received TimeoutNow from {} at term {}; campaigning now", c.id.shortForm(), from.shortForm(),
            c.term);
        Election.campaign(c, true);
      }
    } else if (m instanceof ReadIndexResponse r) {
      c.readStates.add(new ReadState(r.context(), r.index()));
    } else {
      log.debug("{} (follower) ignored {} from {}", c.id.shortForm(), m.type(), from.shortForm());
    }
  }

  private void heardFromLeader(MemberId from) {
    c.electionElapsed = 0;
    c.lead = from;
  }

  /** Raft §5.3: accept entries only where the logs match at prevIndex; answer with a hint otherwise. */
  private void handleAppend(MemberId from, AppendRequest m) {
    String invalid = invalidEntries(m);
    if (invalid != null) {
      log.warn("{} dropped AppendRequest from {} at term {}: {}", c.id.shortForm(), from.shortForm(), c.term, invalid);
      return;
    }
    RaftLog raftLog = c.raftLog;
    if (m.prevIndex() < raftLog.committed()) {
      c.send(from, new AppendResponse(c.group, c.term, true, raftLog.committed(), 0, 0));
      return;
    }
    long lastNew = raftLog.maybeAppend(m.prevIndex(), m.prevTerm(), m.commit(), m.entries(), c::onLogChanged);
    if (lastNew >= 0) {
      c.send(from, new AppendResponse(c.group, c.term, true, lastNew, 0, 0));
      return;
    }
    long hintIndex = raftLog.findConflictByTerm(Math.min(m.prevIndex(), raftLog.lastIndex()), m.prevTerm());
    long hintTerm = Math.max(0, raftLog.term(hintIndex));
    log.debug("{} [log {}@{}] rejected AppendRequest at {}@{} from {}; hint {}@{}", c.id.shortForm(),
        raftLog.lastIndex(), raftLog.lastTerm(), m.prevIndex(), m.prevTerm(), from.shortForm(), hintIndex, hintTerm);
    c.send(from, new AppendResponse(c.group, c.term, false, m.prevIndex(), hintIndex, hintTerm));
  }

  /**
   * The leader believes this member holds {@code claimed}, which its log lacks: it lost entries it had
   * acknowledged (see {@link Progress#maybeDecrTo}). A heartbeat answer only makes the leader send when
   * it thinks the member is behind, so in a quiet group nothing would bring them back; this answers as
   * if an append at {@code claimed} had been rejected, which makes the leader lower its match index for
   * this member and probe from where the log ends.
   */
  private void reportLostEntries(MemberId from, long claimed) {
    RaftLog raftLog = c.raftLog;
    log.warn("{} [log {}@{}] lacks entry {} its leader {} believes it holds at term {}; asking to be sent it again",
        c.id.shortForm(), raftLog.lastIndex(), raftLog.lastTerm(), claimed, from.shortForm(), c.term);
    c.send(from, new AppendResponse(c.group, c.term, false, claimed, raftLog.lastIndex(), raftLog.lastTerm()));
  }

  /** Entries a correct leader cannot have sent: terms above its own, or going backwards. */
  private static String invalidEntries(AppendRequest m) {
    long previous = m.prevTerm();
    for (LogEntry e : m.entries()) {
      if (e.term() > m.term() || e.term() < previous) {
        return "entry " + e.index() + " has term " + e.term() + " (previous term " + previous + ", leader term "
            + m.term() + ")";
      }
      previous = e.term();
    }
    return null;
  }
}
