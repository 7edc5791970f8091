package io.polis.raft;

import static io.polis.raft.RaftFixtures.command;
import static io.polis.raft.RaftFixtures.drain;
import static io.polis.raft.RaftFixtures.leaderOfThree;
import static io.polis.raft.RaftFixtures.logWithTerms;
import static io.polis.raft.RaftFixtures.member;
import static io.polis.raft.RaftFixtures.plain;
import static io.polis.raft.RaftFixtures.recipients;
import static io.polis.raft.RaftFixtures.sent;
import static io.polis.raft.RaftFixtures.storage;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.AppendResponse;
import io.polis.wire.VoteRequest;
import io.polis.wire.VoteResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Raft §5.1 (terms) and §5.2 (leader election) as the paper describes them: no PreVote, no CheckQuorum. */
class RaftElectionPaperTest {

  private static final int E = RaftNet.SCRIPTED.electionTicks();
  private static final MemberId S1 = member(1);
  private static final MemberId S2 = member(2);
  private static final MemberId S3 = member(3);

  // ------------------------------------------------------------------ §5.1 terms

  // Raft §5.1: whenever a server sees a larger term in any message it adopts that term, and a candidate
  // or leader that does so goes back to being a follower.
  @Test
  void followerAdoptsAHigherTermAndTheSenderAsLeader() {
    InMemoryRaftStorage storage = new InMemoryRaftStorage();
    RaftCore follower = RaftFixtures.core(1, 3, plain(), storage);

    follower.step(S2, new AppendRequest("g", 5, 0, 0, 0, List.of()));

    assertThat(follower.term()).isEqualTo(5);
    assertThat(follower.role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(follower.leader()).isEqualTo(S2);
    assertThat(drain(follower, storage).hardState().term()).isEqualTo(5);
  }

  // Raft §5.1: a candidate that discovers a higher term reverts to follower.
  @Test
  void candidateRevertsToFollowerOnAHigherTerm() {
    InMemoryRaftStorage storage = new InMemoryRaftStorage();
    RaftCore candidate = RaftFixtures.core(1, 3, plain(), storage);
    candidate.campaign();
    assertThat(candidate.role()).isEqualTo(RaftRole.CANDIDATE);

    candidate.step(S3, new VoteResponse("g", 4, false, false));

    assertThat(candidate.role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(candidate.term()).isEqualTo(4);
    assertThat(candidate.leader()).isNull();
  }

  // Raft §5.1: a leader that discovers a higher term steps down at once.
  @Test
  void leaderStepsDownOnAHigherTerm() {
    InMemoryRaftStorage storage = new InMemoryRaftStorage();
    RaftCore leader = leaderOfThree(storage);

    leader.step(S3, new AppendResponse("g", 7, false, 0, 0, 0));

    assertThat(leader.role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(leader.term()).isEqualTo(7);
  }

  // Raft §5.1, Figure 2: votedFor belongs to a term; a new term brings a fresh vote.
  @Test
  void aNewTermClearsTheVote() {
    InMemoryRaftStorage storage = new InMemoryRaftStorage();
    RaftCore voter = RaftFixtures.core(1, 3, plain(), storage);
    voter.step(S2, new VoteRequest("g", 1, 0, 0, false, false));
    drain(voter, storage);

    voter.step(S3, new VoteRequest("g", 2, 0, 0, false, false));
    Ready ready = drain(voter, storage);

    assertThat(sent(ready, VoteResponse.class)).containsExactly(new VoteResponse("g", 2, true, false));
    assertThat(ready.hardState().votedFor()).isEqualTo(S3);
  }

  // Raft §5.1: a request carrying a stale term is rejected; the receiver's state does not change.
  @Test
  void requestsWithAStaleTermAreRejected() {
    InMemoryRaftStorage storage = storage(new HardState(3, null, 0), logWithTerms(1, 2));
    RaftCore follower = RaftFixtures.core(1, 3, plain(), storage);

    follower.step(S2, new AppendRequest("g", 2, 2, 2, 2, List.of(command(2, 3, "stale"))));
    follower.step(S3, new VoteRequest("g", 2, 9, 2, false, false));
    Ready ready = drain(follower, storage);

    assertThat(follower.lastIndex()).isEqualTo(2);
    assertThat(follower.commitIndex()).isZero();
    assertThat(follower.term()).isEqualTo(3);
    assertThat(follower.leader()).isNull();
    assertThat(sent(ready, VoteResponse.class)).noneMatch(VoteResponse::granted);
    assertThat(sent(ready, AppendResponse.class)).noneMatch(AppendResponse::success);
  }

  // ------------------------------------------------------------------ §5.2 leader election

  // Raft §5.2: a follower that receives no communication over the election timeout assumes there is no
  // viable leader and begins an election; the timeout is chosen at random from a fixed interval (here
  // [E + margin, 2E + margin), the margin keeping clear of the other followers' CheckQuorum lease).
  @Test
  void followerCampaignsOnlyAfterHearingNothingForAnElectionTimeout() {
    Set<Integer> timeouts = new HashSet<>();
    for (int seed = 1; seed <= 50; seed++) {
      RaftCore follower = new RaftCore(S1, "g", plain(), new InMemoryRaftStorage(), RaftFixtures.voters(3),
          new SplittableRandom(seed));
      int ticks = 0;
      while (follower.role() == RaftRole.FOLLOWER) {
        follower.tick();
        ticks++;
        assertThat(ticks).isLessThan(2 * E + RaftCore.ELECTION_MARGIN_TICKS + 1);
      }
      assertThat(ticks).isBetween(E + RaftCore.ELECTION_MARGIN_TICKS, 2 * E + RaftCore.ELECTION_MARGIN_TICKS - 1);
      timeouts.add(ticks);
    }
    assertThat(timeouts).as("randomized election timeouts").hasSizeGreaterThan(E / 2);
  }

  // Raft §5.2: a follower keeps its role as long as it receives valid RPCs from a leader.
  @Test
  void followersThatHearALeaderNeverCampaign() {
    RaftNet net = new RaftNet(3, plain(), 1);
    RaftCore leader = net.elect(0);
    long term = leader.term();

    net.tickAll(10 * E);

    assertThat(net.core(0).role()).isEqualTo(RaftRole.LEADER);
    assertThat(net.core(1).role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(net.core(2).role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(net.cores.values()).allMatch(c -> c.term() == term);
  }

  // Raft §5.2: to begin an election, a follower increments its term, becomes a candidate, votes for
  // itself and sends RequestVote to every other server.
  @Test
  void candidateIncrementsItsTermVotesForItselfAndAsksEveryOtherVoter() {
    InMemoryRaftStorage storage = storage(new HardState(2, null, 0), logWithTerms(1, 2));
    RaftCore candidate = RaftFixtures.core(1, 5, plain(), storage);

    candidate.campaign();
    Ready ready = drain(candidate, storage);

    assertThat(candidate.role()).isEqualTo(RaftRole.CANDIDATE);
    assertThat(ready.hardState()).isEqualTo(new HardState(3, S1, 0));
    assertThat(recipients(ready, VoteRequest.class)).containsExactlyInAnyOrder(member(2), member(3), member(4),
        member(5));
    assertThat(sent(ready, VoteRequest.class)).allMatch(r -> r.equals(new VoteRequest("g", 3, 2, 2, false, false)));
  }

  // Raft §5.2: a candidate wins once it has votes from a majority of the servers for the same term.
  @Test
  void candidateBecomesLeaderWithVotesFromAMajorityAndNotBefore() {
    InMemoryRaftStorage storage = new InMemoryRaftStorage();
    RaftCore candidate = RaftFixtures.core(1, 5, plain(), storage);
    candidate.campaign();

    candidate.step(member(2), new VoteResponse("g", 1, true, false));
    candidate.step(member(3), new VoteResponse("g", 1, false, false));
    candidate.step(member(2), new VoteResponse("g", 1, true, false)); // the same voter twice counts once
    assertThat(candidate.role()).isEqualTo(RaftRole.CANDIDATE);

    candidate.step(member(4), new VoteResponse("g", 1, true, false));
    assertThat(candidate.role()).isEqualTo(RaftRole.LEADER);
    assertThat(candidate.leader()).isEqualTo(S1);
  }

  // Raft §5.2: a candidate that cannot win any more (a majority refused) gives up the election.
  @Test
  void candidateRefusedByAMajorityReturnsToFollower() {
    RaftCore candidate = RaftFixtures.core(1, 5, plain(), new InMemoryRaftStorage());
    candidate.campaign();

    for (int voter = 2; voter <= 4; voter++) {
      candidate.step(member(voter), new VoteResponse("g", 1, false, false));
    }

    assertThat(candidate.role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(candidate.term()).isEqualTo(1);
  }

  // Raft §5.2: a majority of a group of one is the member itself: it elects itself and commits alone.
  @Test
  void aGroupOfOneElectsItselfAndCommitsAlone() {
    RaftNet net = new RaftNet(1, RaftNet.SCRIPTED, 1);

    net.tickAll(2 * E);
    net.propose(0, "x");
    net.stabilize(); // committed once saved: the leader counts its own copy only when it is on disk
    net.core(0).readIndex(1);
    net.stabilize();

    assertThat(net.core(0).role()).isEqualTo(RaftRole.LEADER);
    assertThat(net.appliedCommands(0)).containsExactly("x");
    assertThat(net.reads.get(S1)).containsExactly(new ReadState(1, 2));
  }

  // Raft §5.2: a candidate that receives AppendEntries from a leader whose term is at least its own
  // recognizes the leader and returns to follower.
  @Test
  void candidateStepsDownOnAppendEntriesFromALeaderOfItsTerm() {
    InMemoryRaftStorage storage = new InMemoryRaftStorage();
    RaftCore candidate = RaftFixtures.core(1, 3, plain(), storage);
    candidate.campaign();

    candidate.step(S2, new AppendRequest("g", 1, 0, 0, 0, List.of(command(1, 1, "x"))));

    assertThat(candidate.role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(candidate.term()).isEqualTo(1);
    assertThat(candidate.leader()).isEqualTo(S2);
    assertThat(candidate.lastIndex()).isEqualTo(1);
    assertThat(sent(drain(candidate, storage), AppendResponse.class))
        .containsExactly(new AppendResponse("g", 1, true, 1, 0, 0));
  }

  // Raft §5.2: a candidate that neither wins nor loses times out and starts a new election with a higher
  // term.
  @Test
  void splitVoteEndsWithANewElectionAtTheNextTerm() {
    RaftCore candidate = RaftFixtures.core(1, 3, plain(), new InMemoryRaftStorage());
    candidate.campaign();

    for (int t = 0; t < 2 * E && candidate.term() == 1; t++) {
      candidate.tick();
    }

    assertThat(candidate.role()).isEqualTo(RaftRole.CANDIDATE);
    assertThat(candidate.term()).isEqualTo(2);
  }

  // Raft §5.2: randomized election timeouts make split votes rare and resolve them quickly: over many
  // seeds, five members that all start together elect a single leader within a few timeouts.
  @Test
  void randomizedTimeoutsLetEveryElectionFinish() {
    int firstTermWins = 0;
    for (int seed = 1; seed <= 100; seed++) {
      RaftNet net = new RaftNet(5, plain(), seed);
      RaftFixtures.SafetyChecker safety = new RaftFixtures.SafetyChecker();
      int ticks = 0;
      while (net.leader() == null) {
        net.tickAll(1);
        safety.check(net);
        assertThat(++ticks).as("seed %d elects a leader", seed).isLessThan(10 * E);
      }
      if (net.leader().term() == 1) {
        firstTermWins++;
      }
    }
    assertThat(firstTermWins).as("elections won in the first term, of 100").isGreaterThan(80);
  }

  // Raft §5.2: each server votes for at most one candidate in a given term, first come first served.
  @Test
  void followerGrantsOneVotePerTerm() {
    InMemoryRaftStorage storage = new InMemoryRaftStorage();
    RaftCore voter = RaftFixtures.core(1, 3, plain(), storage);

    voter.step(S2, new VoteRequest("g", 1, 0, 0, false, false));
    voter.step(S3, new VoteRequest("g", 1, 0, 0, false, false));
    voter.step(S2, new VoteRequest("g", 1, 0, 0, false, false)); // a retry by the same candidate
    Ready ready = drain(voter, storage);

    assertThat(ready.messages()).extracting(Outbound::to).containsExactly(S2, S3, S2);
    assertThat(sent(ready, VoteResponse.class)).extracting(VoteResponse::granted).containsExactly(true, false, true);
  }

  // Raft §5.2, Figure 2: votedFor is persistent state, updated on stable storage before responding. The
  // vote and the response promising it leave in one Ready, whose hard state the driver saves first.
  @Test
  void aVoteIsInTheSameReadyAsTheResponseThatPromisesIt() {
    InMemoryRaftStorage storage = new InMemoryRaftStorage();
    RaftCore voter = RaftFixtures.core(1, 3, plain(), storage);

    voter.step(S2, new VoteRequest("g", 1, 0, 0, false, false));
    Ready ready = voter.ready();

    assertThat(ready.hardState()).isEqualTo(new HardState(1, S2, 0));
    assertThat(ready.messages()).containsExactly(new Outbound(S2, new VoteResponse("g", 1, true, false)));
  }

  // Raft §5.2, Figure 2: because the vote is persistent, a voter that restarts does not vote again in
  // the same term.
  @Test
  void aRestartedVoterRemembersItsVote() {
    InMemoryRaftStorage storage = new InMemoryRaftStorage();
    RaftCore voter = RaftFixtures.core(1, 3, plain(), storage);
    voter.step(S2, new VoteRequest("g", 1, 0, 0, false, false));
    drain(voter, storage);

    RaftCore restarted = RaftFixtures.core(1, 3, plain(), storage);
    restarted.step(S3, new VoteRequest("g", 1, 5, 1, false, false));

    assertThat(sent(drain(restarted, storage), VoteResponse.class))
        .containsExactly(new VoteResponse("g", 1, false, false));
  }
}
