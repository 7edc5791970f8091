package io.polis.raft;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.AppendResponse;
import io.polis.wire.RaftHeartbeat;
import io.polis.wire.RaftMessage;
import io.polis.wire.ReadIndexResponse;
import io.polis.wire.TimeoutNow;
import io.polis.wire.VoteRequest;
import io.polis.wire.VoteResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The term checks every message passes before its role sees it (Raft §5.1, thesis §9.6). */
final class TermRules {

  private static final Logger log = LoggerFactory.getLogger(TermRules.class);

  private TermRules() {}

  /**
   * Raft §5.1: a higher term makes this member a follower in it; a lower one marks a stale message.
   *
   * @return whether the message should be handled further
   */
  static boolean admit(RaftCore c, MemberId from, RaftMessage m) {
    if (m.term() > c.term) {
      return higherTerm(c, from, m);
    }
    if (m.term() < c.term) {
      lowerTerm(c, from, m);
      return false;
    }
    return true;
  }

  private static boolean higherTerm(RaftCore c, MemberId from, RaftMessage m) {
    if (m instanceof VoteRequest v) {
      // Thesis §9.6 with CheckQuorum: while this member hears a leader, it does not help unseat it, so a
      // member that was cut off and comes back cannot disrupt a healthy group. A transfer overrides.
      boolean inLease = c.config.checkQuorum() && c.lead != null && c.electionElapsed < c.config.electionTicks();
      if (c.config.readMode() == RaftConfig.ReadMode.LEASE && c.tickCount < c.config.electionTicks()) {
        // A member that just (re)started may have acknowledged a leader's heartbeat before it went down,
        // and that leader counts the acknowledgement in its read lease: no vote until the lease is over.
        inLease = true;
      }
      if (inLease && !v.transfer()) {
        log.debug("{} [term {}] ignored {} from {} at term {}: leader {} may be alive", c.id.shortForm(), c.term,
            v.preVote() ? "pre-vote request" : "vote request", from.shortForm(), v.term(),
            c.lead == null ? "unknown" : c.lead.shortForm());
        return false;
      }
      if (v.preVote()) {
        return true; // a pre-vote never changes this member's term
      }
      c.becomeFollower(m.term(), null);
      return true;
    }
    if (m instanceof VoteResponse r && r.preVote() && r.granted()) {
      return true; // a granted pre-vote carries the term the candidate is about to use
    }
    boolean fromLeader = m instanceof AppendRequest || m instanceof RaftHeartbeat || m instanceof TimeoutNow
        || m instanceof ReadIndexResponse;
    log.info("{} [term {}] received {} with higher term {} from {}", c.id.shortForm(), c.term, m.type(), m.term(),
        from.shortForm());
    c.becomeFollower(m.term(), fromLeader ? from : null);
    return true;
  }

  private static void lowerTerm(RaftCore c, MemberId from, RaftMessage m) {
    if ((c.config.checkQuorum() || c.config.preVote()) && (m instanceof AppendRequest || m instanceof RaftHeartbeat)) {
      // A leader cut off by a partition may never hear a vote request again (PreVote/CheckQuorum keep
      // them away); this answer tells it the newer term so it steps down.
      c.send(from, new AppendResponse(c.group, c.term, false, 0, 0, 0));
    } else if (m instanceof VoteRequest v && v.preVote()) {
      c.send(from, c.voteResponse(c.term, false, true));
    } else {
      log.debug("{} [term {}] ignored {} from {} with lower term {}", c.id.shortForm(), c.term, m.type(),
          from.shortForm(), m.term());
    }
  }
}
