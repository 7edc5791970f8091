package io.polis.raft;

import io.polis.node.MemberId;
import io.polis.wire.VoteRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Campaigns and votes (Raft §5.2, §5.4.1; PreVote, thesis §9.6). */
final class Election {

  private static final Logger log = LoggerFactory.getLogger(Election.class);

  private Election() {}

  /** Starts a campaign: a pre-vote first unless PreVote is off or a leadership transfer demands haste. */
  static void campaign(RaftCore c, boolean transfer) {
    if (c.config.preVote() && !transfer) {
      c.becomePreCandidate();
      requestVotes(c, true, false);
    } else {
      c.becomeCandidate();
      requestVotes(c, false, transfer);
    }
  }

  static void requestVotes(RaftCore c, boolean preVote, boolean transfer) {
    c.tracker.recordVote(c.id, true);
    if (c.tracker.tally() == ProgressTracker.VoteResult.WON) {
      won(c, preVote); // a group of one
      return;
    }
    long voteTerm = preVote ? c.term + 1 : c.term;
    long lastIndex = c.raftLog.lastIndex();
    long lastTerm = c.raftLog.lastTerm();
    for (MemberId voter : c.tracker.configuration().voters().keySet()) {
      if (!voter.equals(c.id)) {
        c.send(voter, new VoteRequest(c.group, voteTerm, lastIndex, lastTerm, preVote, transfer));
      }
    }
  }

  /** A vote was counted; acts on the outcome. */
  static void tally(RaftCore c, boolean preVote) {
    switch (c.tracker.tally()) {
      case WON -> won(c, preVote);
      case LOST -> {
        log.info("{} lost the {} at term {} ({} granted, {} rejected)", c.id.shortForm(),
            preVote ? "pre-vote" : "election", c.term, c.tracker.votesGranted(), c.tracker.votesRejected());
        c.becomeFollower(c.term, null);
      }
      case PENDING -> { }
    }
  }

  private static void won(RaftCore c, boolean preVote) {
    if (preVote) {
      c.becomeCandidate();
      requestVotes(c, false, false);
    } else {
      c.becomeLeader();
    }
  }

  /** Raft §5.2, §5.4.1: one vote per term, only for a log at least as up to date as ours. */
  static void handleVoteRequest(RaftCore c, MemberId from, VoteRequest m) {
    boolean canVote = from.equals(c.vote)
        || (c.vote == null && c.lead == null)
        || (m.preVote() && m.term() > c.term);
    if (canVote && LostEntryRecovery.mayVoteFor(c, from, m) && c.raftLog.isUpToDate(m.lastIndex(), m.lastTerm())) {
      c.send(from, c.voteResponse(m.term(), true, m.preVote()));
      if (!m.preVote()) {
        c.electionElapsed = 0;
        c.vote = from;
        log.info("{} voted for {} at term {}", c.id.shortForm(), from.shortForm(), c.term);
      }
    } else {
      log.debug("{} [term {}, vote {}, log {}@{}] rejected {} from {} (log {}@{}) at term {}", c.id.shortForm(), c.term,
          c.vote == null ? "none" : c.vote.shortForm(), c.raftLog.lastIndex(), c.raftLog.lastTerm(),
          m.preVote() ? "pre-vote" : "vote", from.shortForm(), m.lastIndex(), m.lastTerm(), m.term());
      c.send(from, c.voteResponse(c.term, false, m.preVote()));
    }
  }
}
