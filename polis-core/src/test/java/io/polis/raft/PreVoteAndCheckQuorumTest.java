package io.polis.raft;

import static io.polis.raft.RaftFixtures.member;
import static io.polis.raft.RaftFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.MemberId;
import io.polis.wire.VoteRequest;
import io.polis.wire.VoteResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Thesis §9.6 (PreVote) and §6.2 (CheckQuorum): cut-off members and leaders do not disrupt the group. */
class PreVoteAndCheckQuorumTest {

  private static final int E = RaftNet.SCRIPTED.electionTicks();
  private static final MemberId S1 = member(1);
  private static final MemberId S3 = member(3);

  // ------------------------------------------------------------------ PreVote, CheckQuorum

  // Thesis §9.6: with PreVote a member first asks whether it could win; one that was cut off cannot,
  // so it never raises its term, and when it comes back the leader carries on undisturbed.
  @Test
  void partitionedMemberThatRejoinsDoesNotBumpTheTermOrDisruptTheLeader() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.elect(0);
    long term = leader.term();
    net.isolate(2);
    net.tickAll(20 * E);
    net.propose(0, "while apart");
    net.stabilize();
    assertThat(net.core(2).term()).isEqualTo(term);

    net.heal();
    net.tickAll(3 * E);

    assertThat(net.leader()).isSameAs(leader);
    assertThat(leader.term()).isEqualTo(term);
    assertThat(net.core(2).role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(net.core(2).leader()).isEqualTo(S1);
    assertThat(net.appliedCommands(2)).containsExactly("while apart");
  }

  // Thesis §9.6, Raft §5.2: a pre-candidate that hears nothing tries again after another randomized
  // election timeout, like a candidate; it does not ask every voter on every tick.
  @Test
  void isolatedPreCandidateAsksForVotesOncePerElectionTimeout() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    net.elect(0);
    int[] voteRequests = new int[1];
    net.dropWhere(e -> {
      if (e.from().equals(S3) && e.out().message() instanceof VoteRequest) {
        voteRequests[0]++;
      }
      return e.from().equals(S3) || e.out().to().equals(S3);
    });

    net.tickAll(10 * E);

    assertThat(net.core(2).role()).isEqualTo(RaftRole.PRE_CANDIDATE);
    // At most one campaign per election timeout, each asking the two other voters.
    assertThat(voteRequests[0]).isBetween(2, 2 * 10);
  }

  // Thesis §6.2 (CheckQuorum): if an election timeout passes without a successful round of heartbeats to
  // a majority, the leader steps down, so clients stop waiting on a leader that cannot commit.
  @Test
  void leaderCutOffFromTheMajorityStepsDownWithinAnElectionTimeout() {
    RaftNet net = new RaftNet(5, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.elect(0);
    net.tickAll(3);
    net.isolate(0);

    int ticks = 0;
    while (leader.role() == RaftRole.LEADER) {
      net.tickAll(1);
      assertThat(++ticks).isLessThanOrEqualTo(E);
    }

    assertThat(ticks).as("ticks until it stepped down").isGreaterThanOrEqualTo(E - 1);
    assertThat(leader.role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(leader.leaderHasQuorum()).isFalse();
  }

  // Thesis §6.2: a leader that keeps hearing from a majority keeps leading, even when a minority is gone.
  @Test
  void leaderThatHearsAMajorityKeepsLeading() {
    RaftNet net = new RaftNet(5, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.elect(0);
    net.crash(3);
    net.crash(4);

    net.tickAll(10 * E);

    assertThat(leader.role()).isEqualTo(RaftRole.LEADER);
    assertThat(leader.leaderHasQuorum()).isTrue();
  }

  // Thesis §9.6 (with CheckQuorum): a member that heard from its leader within the election timeout
  // ignores vote requests, pre-votes or not, so a member with a newer term cannot depose a live leader.
  @Test
  void followersThatHearALiveLeaderIgnoreVoteRequests() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.elect(0);
    long term = leader.term();
    List<RaftNet.Envelope> answers = record(net, e -> e.out().to().equals(S3));

    net.core(2).campaign();
    net.stabilize();
    net.core(1).step(S3, new VoteRequest("g", term + 5, 100, term, false, false));
    net.stabilize();
    net.tickAll(1);

    assertThat(answers).noneMatch(e -> e.out().message() instanceof VoteResponse r && r.granted());
    assertThat(net.core(1).term()).isEqualTo(term);
    assertThat(net.leader()).isSameAs(leader);
    assertThat(leader.term()).isEqualTo(term);
    assertThat(net.core(2).role()).isEqualTo(RaftRole.FOLLOWER);
  }
}
