package io.polis.raft;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.RaftHeartbeat;
import io.polis.wire.RaftMessage;
import io.polis.wire.ReadIndexResponse;
import io.polis.wire.VoteResponse;

/** A pre-candidate or candidate: collects votes until it wins, loses, or hears a leader. */
final class CandidateRole implements RoleBehavior {

  private final RaftCore c;
  private final boolean preVote;

  CandidateRole(RaftCore core, boolean preVote) {
    this.c = core;
    this.preVote = preVote;
  }

  @Override
  public RaftRole role() {
    return preVote ? RaftRole.PRE_CANDIDATE : RaftRole.CANDIDATE;
  }

  @Override
  public void tick() {
    c.electionElapsed++;
    if (c.electionElapsed >= c.randomizedElectionTimeout && !c.promotable()) {
      c.becomeFollower(c.term, null); // the application withdrew this member from leadership meanwhile
    } else if (c.electionElapsed >= c.randomizedElectionTimeout) {
      Election.campaign(c, false); // Raft §5.2: a split vote times out and starts a new election
    }
  }

  @Override
  public void step(MemberId from, RaftMessage m) {
    if (m instanceof AppendRequest || m instanceof RaftHeartbeat) {
      // Raft §5.2: a leader of this term exists; give way and let the follower handle the message.
      c.becomeFollower(c.term, from);
      c.behavior.step(from, m);
    } else if (m instanceof VoteResponse r) {
      if (r.preVote() == preVote) {
        c.tracker.recordVote(from, r.granted());
        Election.tally(c, preVote);
      }
    } else if (m instanceof ReadIndexResponse r) {
      c.readStates.add(new ReadState(r.context(), r.index())); // confirmed by the leader that answered
    }
  }
}
