package io.polis.raft;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.AppendResponse;
import io.polis.wire.EntryKind;
import io.polis.wire.ForwardedProposal;
import io.polis.wire.LogEntry;
import io.polis.wire.RaftHeartbeat;
import io.polis.wire.RaftHeartbeatResponse;
import io.polis.wire.RaftMessage;
import io.polis.wire.ReadIndexRequest;
import io.polis.wire.ReadIndexResponse;
import io.polis.wire.TimeoutNow;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader: replicates its log, commits by majority, answers reads, steps down when cut off, and hands
 * leadership over on request. Replication itself is in {@link Replicator}.
 */
final class LeaderRole implements RoleBehavior {

  private static final Logger log = LoggerFactory.getLogger(LeaderRole.class);

  private final RaftCore c;
  private final Replicator replicator;
  private final ReadIndexQueue reads = new ReadIndexQueue();
  private final long electedAtTick;
  private int heartbeatElapsed;
  private @Nullable MemberId transferee;
  /** Set once a TimeoutNow went out: from then on a successor may be elected despite the lease. */
  private boolean timeoutNowSent;
  private boolean roundSentThisBatch;

  LeaderRole(RaftCore core) {
    this.c = core;
    this.replicator = new Replicator(core);
    this.electedAtTick = core.tickCount;
  }

  @Override
  public RaftRole role() {
    return RaftRole.LEADER;
  }

  /** Raft §5.4.2, §8: a new leader appends a no-op so entries of earlier terms can commit under it. */
  void start() {
    Progress self = c.tracker.progress(c.id);
    if (self != null) {
      // Only what is on this member's disk counts toward a majority: the driver may send entries before
      // it has saved them, and force them after (see persisted()).
      self.match = c.durableIndex();
      self.becomeReplicate();
    }
    append(List.of(new LogEntry(c.term, c.raftLog.lastIndex() + 1, EntryKind.NO_OP, new byte[0])));
  }

  @Override
  public void tick() {
    heartbeatElapsed++;
    c.electionElapsed++;
    // Checked on every tick, so the leader goes one election timeout after it last heard a majority.
    if (c.config.checkQuorum() && !hasRecentQuorum()) {
      log.warn("{} stepped down at term {}: no majority of voters answered within the election timeout",
          c.id.shortForm(), c.term);
      c.becomeFollower(c.term, null);
      return;
    }
    if (c.electionElapsed >= c.config.electionTicks()) {
      c.electionElapsed = 0;
      if (transferee != null) {
        log.info("{} abandoned the leadership transfer to {} at term {}: it did not catch up in time",
            c.id.shortForm(), transferee.shortForm(), c.term);
        transferee = null;
      }
      if (!c.eligible) {
        handOver(); // the last attempt failed: try the best voter now
      }
    }
    if (heartbeatElapsed >= c.config.heartbeatTicks()) {
      heartbeatElapsed = 0;
      broadcastHeartbeat();
    }
    tellCommitIndex(false);
  }

  /**
   * Sends the commit index to every member that holds entries it has not been told are committed. A new
   * commit index is not sent the moment it advances: it rides on the next AppendRequest or heartbeat, or
   * goes out here within a tick. Under light load that halves the messages of a write (no round of
   * empty AppendRequests and answers after each commit, which on a busy machine delays the next write);
   * the cost is that a follower applies up to one tick later. Members waiting on the index themselves
   * (a forwarded proposal, a read) are told at once: {@link #announceCommit}, {@link #answer}.
   *
   * @param forwardersOnly tell only the members whose forwarded proposals are among the entries they
   *     have not been told are committed: each waits to apply its own
   */
  private void tellCommitIndex(boolean forwardersOnly) {
    long committed = c.raftLog.committed();
    for (MemberId peer : c.tracker.peers()) {
      Progress p = c.tracker.progress(peer);
      if (p.lacksCommit(committed) && (!forwardersOnly || p.forwardedIndex > p.commitSent)) {
        replicator.sendAppend(peer, true);
      }
    }
  }

  /** The commit index advanced: tells everyone now, or only those waiting on it (see tellCommitIndex). */
  private void announceCommit() {
    if (c.config.announceCommitAtOnce()) {
      replicator.broadcastAppend();
    } else {
      tellCommitIndex(true);
    }
  }

  @Override
  public void step(MemberId from, RaftMessage m) {
    if (m instanceof AppendResponse r) {
      onAppendResponse(from, r);
    } else if (m instanceof RaftHeartbeatResponse r) {
      onHeartbeatResponse(from, r);
    } else if (m instanceof ForwardedProposal p) {
      if (c.configs.current().contains(from)) {
        if (propose(p.commands())) {
          c.tracker.progress(from).forwardedIndex = c.raftLog.lastIndex();
        } else {
          log.debug("{} dropped a proposal forwarded by {}: leadership transfer under way", c.id.shortForm(),
              from.shortForm());
        }
      }
    } else if (m instanceof ReadIndexRequest r) {
      if (c.configs.current().contains(from)) {
        readIndex(r.context(), from);
      }
    } else if (m instanceof AppendRequest || m instanceof RaftHeartbeat) {
      log.error("{} received {} from {} claiming to lead term {} too; ignored", c.id.shortForm(), m.type(),
          from.shortForm(), c.term);
    }
  }

  boolean propose(List<byte[]> commands) {
    if (transferee != null || commands.isEmpty()) {
      return false;
    }
    long index = c.raftLog.lastIndex();
    List<LogEntry> entries = new ArrayList<>(commands.size());
    for (byte[] command : commands) {
      entries.add(new LogEntry(c.term, ++index, EntryKind.COMMAND, command));
    }
    append(entries);
    return true;
  }

  long proposeConfigChange(ConfigChange change) {
    if (transferee != null) {
      throw new ProposalRejectedException("a leadership transfer to " + transferee.shortForm() + " is under way");
    }
    long committed = c.raftLog.committed();
    if (c.raftLog.term(committed) != c.term) {
      throw new ProposalRejectedException("the leader has not yet committed an entry of its term " + c.term
          + "; retry shortly");
    }
    if (c.configs.currentIndex() > committed) {
      throw new ProposalRejectedException("the configuration change at index " + c.configs.currentIndex()
          + " is not committed yet; changes go one at a time");
    }
    Configuration next = change.applyTo(c.configs.current());
    long index = c.raftLog.lastIndex() + 1;
    append(List.of(new LogEntry(c.term, index, EntryKind.CONFIGURATION, next.encode())));
    return index;
  }

  private void append(List<LogEntry> entries) {
    c.raftLog.append(entries);
    c.onLogChanged(entries);
    replicator.broadcastAppend();
  }

  /**
   * The driver made the log durable up to {@code index}: the leader's own copy now counts toward a
   * majority. Counting it only now lets the driver send AppendRequests before it writes them and force
   * them off its thread, so the leader's disk write overlaps its followers' and two followers' forces
   * alone can commit (Raft thesis §10.2.1).
   */
  void persisted(long index) {
    Progress self = c.tracker.progress(c.id);
    if (self == null || !self.maybeUpdate(index)) {
      return;
    }
    long committedBefore = c.raftLog.committed();
    if (commitIfQuorum() && c.raftLog.committed() > committedBefore) {
      announceCommit();
    }
  }

  /** The driver's transfer of a snapshot to {@code to} ended; on success its answer moves it on. */
  void snapshotTransferEnded(MemberId to, boolean finished) {
    Progress p = c.tracker.progress(to);
    if (p == null || p.state != Progress.State.SNAPSHOT) {
      return;
    }
    if (finished) {
      p.becomeProbe();
    } else {
      p.snapshotFailed();
    }
    // Paused until the member's next heartbeat answer, so a failing transfer is retried at that pace.
    p.probeSent = true;
  }

  void transferLeadership(MemberId target) {
    if (target.equals(c.id)) {
      return;
    }
    if (!c.configs.current().isVoter(target)) {
      throw new ProposalRejectedException(target.shortForm() + " is not a voter, so it cannot lead");
    }
    if (target.equals(transferee)) {
      return;
    }
    transferee = target;
    c.electionElapsed = 0; // the transfer must finish within one election timeout
    log.info("{} transfers leadership to {} at term {}", c.id.shortForm(), target.shortForm(), c.term);
    if (c.tracker.progress(target).match == c.raftLog.lastIndex()) {
      sendTimeoutNow(target);
    } else {
      replicator.sendAppend(target, true);
    }
  }

  /**
   * Health-aware leadership: transfers to the other voter with the longest matching log among those
   * heard from within the last election timeout (a silent one would make the attempt time out), or among
   * all voters when none was heard.
   */
  void handOver() {
    if (transferee != null) {
      return;
    }
    MemberId best = null;
    long bestScore = Long.MIN_VALUE;
    long recent = c.tickCount - c.config.electionTicks();
    for (MemberId voter : c.configs.current().voters().keySet()) {
      Progress p = c.tracker.progress(voter);
      if (voter.equals(c.id) || p == null) {
        continue;
      }
      // Heard-from members first, then the longest log.
      long score = (p.heardAtTick >= recent ? Long.MAX_VALUE / 2 : 0) + p.match;
      if (score > bestScore) {
        best = voter;
        bestScore = score;
      }
    }
    if (best == null) {
      log.warn("{} is not eligible to lead but has no other voter to hand leadership to at term {}",
          c.id.shortForm(), c.term);
      return;
    }
    transferLeadership(best);
  }

  void readIndex(long context, @Nullable MemberId requester) {
    long committed = c.raftLog.committed();
    if (c.raftLog.term(committed) != c.term) {
      // Until an entry of this term commits, the commit index may lag what earlier leaders acknowledged.
      reads.awaitCommit(context, requester);
      return;
    }
    if (c.configs.current().voters().size() == 1 && c.configs.current().isVoter(c.id)) {
      answer(context, requester, committed);
    } else if (c.config.readMode() == RaftConfig.ReadMode.LEASE && !timeoutNowSent && leaseValid()) {
      // Not once a TimeoutNow is out: the target's campaign overrides the followers' lease, so a successor
      // may be elected (and commit writes) before this leader's lease runs out, even if the TimeoutNow
      // arrives after the transfer was given up.
      answer(context, requester, committed);
    } else {
      if (!roundSentThisBatch) {
        broadcastHeartbeat(); // the round leaves after this read arrived, so its acknowledgements prove it
      }
      reads.await(new ReadIndexQueue.PendingRead(context, requester, committed, reads.round()));
    }
  }

  private void answer(long context, @Nullable MemberId requester, long index) {
    if (requester == null) {
      c.readStates.add(new ReadState(context, index));
    } else {
      c.send(requester, new ReadIndexResponse(c.group, c.term, context, index));
      Progress p = c.tracker.progress(requester);
      if (p != null && p.lacksCommit(c.raftLog.committed())) {
        replicator.sendAppend(requester, true); // it applies up to the index before it reads
      }
    }
  }

  private boolean leaseValid() {
    return c.tracker.quorumAckedSentTick(c.tickCount) > c.tickCount - c.config.leaseTicks();
  }

  /** Whether a majority of voters answered within the last election timeout (or leadership is new). */
  boolean hasRecentQuorum() {
    return c.tickCount - electedAtTick < c.config.electionTicks()
        || c.tracker.quorumHeardTick(c.tickCount) > c.tickCount - c.config.electionTicks();
  }

  void onBatchHandedOut() {
    roundSentThisBatch = false;
  }

  private void broadcastHeartbeat() {
    long round = reads.newRound(c.tickCount, 2L * c.config.electionTicks());
    roundSentThisBatch = true;
    for (MemberId peer : c.tracker.peers()) {
      Progress p = c.tracker.progress(peer);
      long commit = p.usableCommit(c.raftLog.committed());
      c.send(peer, new RaftHeartbeat(c.group, c.term, commit, round));
      p.toldCommit(commit);
    }
  }

  private void onHeartbeatResponse(MemberId from, RaftHeartbeatResponse r) {
    Progress p = c.tracker.progress(from);
    if (p == null) {
      return;
    }
    p.heardAtTick = c.tickCount;
    p.probeSent = false;
    if (p.state == Progress.State.REPLICATE && p.inflights.full()) {
      // The window may be full of appends that were lost and will never be acknowledged; a live follower
      // gets one more through per heartbeat answer instead of waiting forever.
      p.inflights.freeFirstOne();
    }
    if (p.match < c.raftLog.lastIndex()) {
      // Even with nothing new to send: if the appends it lacks were lost, next is already past them, and
      // only an AppendRequest it rejects brings the leader back to where its log ends.
      replicator.sendAppend(from, true);
    }
    if (r.context() > p.ackedRound && r.context() <= reads.round()) {
      p.ackedRound = r.context();
      Long sent = reads.sentTick(r.context());
      if (sent != null) {
        p.ackedSentTick = Math.max(p.ackedSentTick, sent);
      }
      for (ReadIndexQueue.PendingRead read : reads.confirmed(c.tracker.quorumAckedRound(reads.round()))) {
        answer(read.context(), read.requester(), read.index());
      }
    }
  }

  private void onAppendResponse(MemberId from, AppendResponse r) {
    Progress p = c.tracker.progress(from);
    if (p == null) {
      return;
    }
    p.heardAtTick = c.tickCount;
    if (!r.success()) {
      long hint = r.hintTerm() > 0 ? c.raftLog.findConflictByTerm(r.hintIndex(), r.hintTerm()) : r.hintIndex();
      long matchBefore = p.match;
      if (p.maybeDecrTo(r.index(), hint)) {
        if (p.match < matchBefore) {
          log.warn("{} lowered the match index of {} from {} to {} at term {}: it rejected an index it had"
              + " acknowledged (entries lost in a crash or cut off on restart, or a late duplicate)",
              c.id.shortForm(), from.shortForm(), matchBefore, p.match, c.term);
        }
        if (p.state == Progress.State.REPLICATE) {
          p.becomeProbe();
        }
        replicator.sendAppend(from, true);
      }
      return;
    }
    if (r.index() > c.raftLog.lastIndex()) {
      log.warn("{} ignored AppendResponse from {}: index {} is beyond the last index {}", c.id.shortForm(),
          from.shortForm(), r.index(), c.raftLog.lastIndex());
      return;
    }
    boolean wasPaused = p.isPaused();
    if (!p.maybeUpdate(r.index())) {
      return;
    }
    if (p.state == Progress.State.SNAPSHOT && p.match + 1 >= c.raftLog.firstIndex()) {
      p.becomeProbe(); // it installed the snapshot, or caught up otherwise: entries can follow
    }
    if (p.state == Progress.State.PROBE) {
      p.becomeReplicate();
    } else {
      p.inflights.freeTo(r.index());
    }
    long committedBefore = c.raftLog.committed();
    if (!commitIfQuorum()) {
      return;
    }
    if (c.raftLog.committed() > committedBefore) {
      announceCommit();
    } else if (wasPaused) {
      replicator.sendAppend(from, false);
    }
    while (replicator.sendAppend(from, false)) {
      // fill the pipeline up to the in-flight limits
    }
    if (from.equals(transferee) && p.match == c.raftLog.lastIndex()) {
      log.info("{} sends TimeoutNow to {} at term {}: its log is caught up", c.id.shortForm(), from.shortForm(), c.term);
      sendTimeoutNow(from);
    }
  }

  private void sendTimeoutNow(MemberId target) {
    timeoutNowSent = true;
    c.send(target, new TimeoutNow(c.group, c.term));
  }

  /**
   * Raft §5.3, §5.4.2: commits the highest index a majority holds, if it is of this term. Answers reads
   * that waited for the first commit of the term, and steps down once a configuration without this member
   * commits.
   *
   * @return false when this member is no longer the leader
   */
  private boolean commitIfQuorum() {
    long quorumMatch = c.tracker.quorumMatch();
    if (quorumMatch <= c.raftLog.committed() || c.raftLog.term(quorumMatch) != c.term) {
      return true;
    }
    c.raftLog.commitTo(quorumMatch);
    if (c.configs.currentIndex() <= quorumMatch) {
      c.tracker.forgetLeft();
    }
    for (ReadIndexQueue.PendingRead read : reads.takeWaitingForCommit()) {
      readIndex(read.context(), read.requester());
    }
    if (!c.configs.current().isVoter(c.id) && c.configs.currentIndex() <= quorumMatch) {
      log.info("{} is no longer a voter (configuration at index {} committed); stepping down at term {}",
          c.id.shortForm(), c.configs.currentIndex(), c.term);
      c.becomeFollower(c.term, null);
      return false;
    }
    return true;
  }
}
