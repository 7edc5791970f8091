package io.polis.raft;

import static io.polis.raft.RaftFixtures.command;
import static io.polis.raft.RaftFixtures.drain;
import static io.polis.raft.RaftFixtures.logWithTerms;
import static io.polis.raft.RaftFixtures.member;
import static io.polis.raft.RaftFixtures.plain;
import static io.polis.raft.RaftFixtures.recipients;
import static io.polis.raft.RaftFixtures.record;
import static io.polis.raft.RaftFixtures.sent;
import static io.polis.raft.RaftFixtures.storage;
import static io.polis.raft.RaftFixtures.terms;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.AppendResponse;
import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import io.polis.wire.VoteRequest;
import io.polis.wire.VoteResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules of Figure 2 and §5 of the Raft paper ("In Search of an Understandable Consensus Algorithm",
 * extended version), one test per rule, with the sentence tested paraphrased above it. These tests run
 * Raft as the paper describes it: no PreVote, no CheckQuorum.
 */
class RaftPaperTest {

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
  // viable leader and begins an election; the timeout is chosen at random from a fixed interval.
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
        assertThat(ticks).isLessThan(2 * E + 1);
      }
      assertThat(ticks).isBetween(E, 2 * E - 1);
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

  // ------------------------------------------------------------------ §5.3 log replication

  // Raft §5.3: the leader appends the command to its log as a new entry, then sends AppendEntries to
  // every other server; once a majority stored it the entry is committed and applied everywhere.
  @Test
  void leaderReplicatesAProposalToEveryFollowerAndAllApplyIt() {
    RaftNet net = new RaftNet(3, plain(), 1);
    RaftCore leader = net.elect(0);

    net.propose(0, "x");
    net.stabilize();

    assertThat(leader.commitIndex()).isEqualTo(2);
    for (int i = 0; i < 3; i++) {
      assertThat(terms(net.core(i))).containsExactly(1L, 1L);
      assertThat(net.appliedCommands(i)).containsExactly("x");
    }
  }

  // Raft §5.3: an entry is committed once the leader has replicated it on a majority of the servers; not
  // before.
  @Test
  void leaderCommitsOnlyWhatAMajorityStores() {
    RaftNet net = new RaftNet(5, plain(), 1);
    RaftCore leader = net.elect(0);
    net.cut(S1, member(4));
    net.cut(S1, member(5));
    net.propose(0, "on three of five");
    net.stabilize();
    assertThat(leader.commitIndex()).isEqualTo(2);

    net.cut(S1, S3);
    net.propose(0, "on two of five");
    net.stabilize();

    assertThat(leader.lastIndex()).isEqualTo(3);
    assertThat(leader.commitIndex()).isEqualTo(2);
    assertThat(net.appliedCommands(0)).containsExactly("on three of five");
  }

  // Raft §5.3: the leader includes its commit index in AppendEntries (and heartbeats), so followers learn
  // which entries are committed and apply them.
  @Test
  void followersLearnTheCommitIndexFromTheLeader() {
    RaftNet net = new RaftNet(3, plain(), 1);
    net.elect(0);
    net.propose(0, "x");
    net.stabilize();
    assertThat(net.core(1).commitIndex()).isEqualTo(2);
    assertThat(net.core(2).commitIndex()).isEqualTo(2);

    // Lose the empty AppendRequests that announce the new commit index: the next heartbeat carries it.
    net.dropWhere(e -> e.out().message() instanceof AppendRequest a && a.entries().isEmpty());
    net.propose(0, "y");
    net.stabilize();
    assertThat(net.core(0).commitIndex()).isEqualTo(3);
    assertThat(net.core(1).commitIndex()).isEqualTo(2);

    net.tickAll(1);

    assertThat(net.core(1).commitIndex()).isEqualTo(3);
    assertThat(net.core(2).commitIndex()).isEqualTo(3);
    assertThat(net.appliedCommands(2)).containsExactly("x", "y");
  }

  // Raft §5.3: a follower refuses AppendEntries whose previous entry (index and term) it does not hold:
  // the consistency check.
  @Test
  void followerRefusesEntriesThatDoNotFollowAMatchingEntry() {
    InMemoryRaftStorage storage = storage(new HardState(2, null, 0), logWithTerms(1, 1));
    RaftCore follower = RaftFixtures.core(1, 3, plain(), storage);

    follower.step(S2, new AppendRequest("g", 2, 2, 2, 0, List.of(command(2, 3, "x")))); // term differs at 2
    follower.step(S2, new AppendRequest("g", 2, 5, 2, 0, List.of(command(2, 6, "y")))); // index 5 missing
    Ready ready = drain(follower, storage);

    assertThat(terms(follower)).containsExactly(1L, 1L);
    assertThat(sent(ready, AppendResponse.class)).noneMatch(AppendResponse::success)
        .extracting(AppendResponse::index).containsExactly(2L, 5L);
  }

  // Raft §5.3: when an existing entry conflicts with a new one (same index, different term) the follower
  // deletes it and all that follow, then appends the leader's entries.
  @Test
  void followerDeletesAConflictingSuffixAndTakesTheLeadersEntries() {
    InMemoryRaftStorage storage = storage(new HardState(2, null, 1), logWithTerms(1, 2, 2, 2));
    RaftCore follower = RaftFixtures.core(1, 3, plain(), storage);

    follower.step(S2, new AppendRequest("g", 3, 1, 1, 1, List.of(command(3, 2, "a"), command(3, 3, "b"))));
    Ready ready = drain(follower, storage);

    assertThat(terms(follower)).containsExactly(1L, 3L, 3L);
    assertThat(storage.lastIndex()).isEqualTo(3);
    assertThat(storage.term(2)).isEqualTo(3);
    assertThat(sent(ready, AppendResponse.class)).containsExactly(new AppendResponse("g", 3, true, 3, 0, 0));
  }

  // Raft §5.3: a follower truncates only on a conflict; an AppendEntries it already holds (a delayed
  // duplicate) leaves the entries after it in place.
  @Test
  void aDelayedDuplicateAppendDoesNotTruncateLaterEntries() {
    InMemoryRaftStorage storage = storage(new HardState(2, null, 0), logWithTerms(1, 2, 2, 2));
    RaftCore follower = RaftFixtures.core(1, 3, plain(), storage);

    follower.step(S2, new AppendRequest("g", 2, 1, 1, 0, List.of(command(2, 2, "e2@2"))));

    assertThat(terms(follower)).containsExactly(1L, 2L, 2L, 2L);
  }

  // Raft §5.3, §5.4: committed entries are durable; no AppendEntries can take them out of a log.
  @Test
  void followerNeverDeletesCommittedEntries() {
    InMemoryRaftStorage storage = storage(new HardState(2, null, 3), logWithTerms(1, 2, 2));
    RaftCore follower = RaftFixtures.core(1, 3, plain(), storage);
    assertThat(follower.commitIndex()).isEqualTo(3);

    follower.step(S2, new AppendRequest("g", 3, 1, 1, 3, List.of(command(3, 2, "a"), command(3, 3, "b"))));
    drain(follower, storage);

    assertThat(terms(follower)).containsExactly(1L, 2L, 2L);
    assertThat(storage.term(3)).isEqualTo(2);
  }

  // Raft §5.3 (Leader Append-Only): a leader never overwrites or deletes entries in its log, whatever it
  // receives while it leads.
  @Test
  void leaderNeverOverwritesItsLog() {
    InMemoryRaftStorage storage = storage(new HardState(1, null, 0), logWithTerms(1, 1));
    RaftCore leader = leaderOfThree(storage);
    List<Long> before = terms(leader);

    leader.step(S3, new AppendRequest("g", leader.term(), 1, 1, 0, List.of(command(leader.term(), 2, "forged"))));
    drain(leader, storage);

    assertThat(leader.role()).isEqualTo(RaftRole.LEADER);
    assertThat(terms(leader)).isEqualTo(before);
  }

  // Raft §5.3: after a rejection the leader retries with an earlier nextIndex; with the optimization the
  // paper sketches (the follower names the term of the conflicting entry and the first index it stores
  // for that term) a whole divergent term is skipped per round trip, not one entry.
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void followerWithALongDivergentLogCatchesUpInFewRoundTrips(boolean followerLogIsLonger) {
    RaftNet net = new RaftNet(3, plain(), 1);
    long[] leaderTerms = new long[100];
    long[] followerTerms = new long[followerLogIsLonger ? 150 : 60];
    java.util.Arrays.fill(leaderTerms, 3);
    java.util.Arrays.fill(followerTerms, 2);
    leaderTerms[0] = 1;
    followerTerms[0] = 1;
    net.start(S1, storage(new HardState(3, null, 1), logWithTerms(leaderTerms)), net.initial);
    net.start(S2, storage(new HardState(3, null, 1), logWithTerms(leaderTerms)), net.initial);
    net.start(S3, storage(new HardState(2, null, 1), logWithTerms(followerTerms)), net.initial);
    List<RaftNet.Envelope> rejections = record(net,
        e -> e.from().equals(S3) && e.out().message() instanceof AppendResponse r && !r.success());

    RaftCore leader = net.elect(0);

    assertThat(leader.role()).isEqualTo(RaftRole.LEADER);
    assertThat(terms(net.core(2))).isEqualTo(terms(leader));
    assertThat(net.core(2).commitIndex()).isEqualTo(101);
    assertThat(rejections).hasSizeLessThanOrEqualTo(2);
  }

  // Raft §5.3: the leader retries AppendEntries indefinitely, so a follower that crashed and restarted
  // (or missed messages) ends up with the leader's log.
  @Test
  void restartedFollowerCatchesUp() {
    RaftNet net = new RaftNet(3, plain(), 1);
    net.elect(0);
    net.crash(2);
    net.propose(0, "a");
    net.propose(0, "b");
    net.stabilize();

    net.restart(2);
    net.tickAll(3);

    assertThat(terms(net.core(2))).isEqualTo(terms(net.core(0)));
    assertThat(net.appliedCommands(2)).containsExactly("a", "b");
  }

  // Raft §5.3, Figure 2 (lastApplied): committed entries are applied in log order, each exactly once, on
  // every member, including across a restart (which applies again from the start: there are no
  // snapshots yet).
  @Test
  void committedEntriesAreAppliedInLogOrderExactlyOnce() {
    RaftNet net = new RaftNet(3, plain(), 1);
    net.elect(0);
    for (int i = 0; i < 20; i++) {
      net.propose(i % 3, "c" + i);
      if (i % 4 == 0) {
        net.stabilize();
      }
    }
    net.stabilize();
    net.crash(1);
    net.restart(1);
    net.tickAll(3);

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("c" + i);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(net.appliedCommands(i)).containsExactlyInAnyOrderElementsOf(expected);
      List<LogEntry> applied = net.applied.get(net.id(i));
      for (int k = 0; k < applied.size(); k++) {
        assertThat(applied.get(k).index()).isEqualTo(k + 1);
      }
    }
    assertThat(net.appliedCommands(1)).isEqualTo(net.appliedCommands(0));
  }

  // ------------------------------------------------------------------ §5.4 safety

  // Raft §5.4.1: a voter denies its vote if its own log is more up-to-date than the candidate's: a later
  // last term wins; with equal last terms, the longer log wins.
  @Test
  void voterDeniesACandidateWhoseLogIsLessUpToDate() {
    InMemoryRaftStorage storage = storage(new HardState(2, null, 0), logWithTerms(1, 2, 2));
    RaftCore voter = RaftFixtures.core(1, 5, plain(), storage);

    voter.step(member(2), new VoteRequest("g", 3, 10, 1, false, false)); // older last term, longer log
    voter.step(member(3), new VoteRequest("g", 3, 2, 2, false, false)); // same last term, shorter log
    Ready ready = drain(voter, storage);

    assertThat(sent(ready, VoteResponse.class)).noneMatch(VoteResponse::granted).hasSize(2);
    assertThat(voter.term()).isEqualTo(3);
    assertThat(ready.hardState().votedFor()).isNull();
  }

  // Raft §5.4.1: a candidate whose log is at least as up-to-date as the voter's gets the vote.
  @ParameterizedTest
  @ValueSource(strings = {"1@3", "3@2", "4@2"})
  void voterGrantsACandidateWhoseLogIsAtLeastAsUpToDate(String last) {
    long lastIndex = Long.parseLong(last.split("@")[0]);
    long lastTerm = Long.parseLong(last.split("@")[1]);
    InMemoryRaftStorage storage = storage(new HardState(2, null, 0), logWithTerms(1, 2, 2));
    RaftCore voter = RaftFixtures.core(1, 5, plain(), storage);

    voter.step(member(2), new VoteRequest("g", 3, lastIndex, lastTerm, false, false));

    assertThat(sent(drain(voter, storage), VoteResponse.class)).containsExactly(new VoteResponse("g", 3, true, false));
  }

  // Raft §5.4.1: a member missing a committed entry cannot be elected, because every majority it could
  // gather includes a member holding that entry.
  @Test
  void aMemberMissingACommittedEntryCannotBeElected() {
    RaftNet net = new RaftNet(5, plain(), 1);
    net.elect(0);
    net.cut(S1, member(4));
    net.cut(S1, member(5));
    net.propose(0, "committed on 1, 2, 3");
    net.stabilize();
    assertThat(net.core(0).commitIndex()).isEqualTo(2);
    net.crash(0);
    net.heal();

    for (int attempt = 0; attempt < 3; attempt++) {
      net.elect(3);
      assertThat(net.core(3).role()).isNotEqualTo(RaftRole.LEADER);
    }
    RaftCore next = campaignUntilLeader(net, 1);

    assertThat(next.termAt(2)).isEqualTo(1);
    net.tickAll(2);
    for (int i = 1; i < 5; i++) {
      assertThat(net.appliedCommands(i)).containsExactly("committed on 1, 2, 3");
    }
  }

  // Raft §5.4.2, §8: a new leader appends an entry of its own term (a no-op), through which it can learn
  // and commit what earlier leaders left.
  @Test
  void newLeaderAppendsANoOpOfItsTerm() {
    InMemoryRaftStorage storage = storage(new HardState(4, null, 0), logWithTerms(1, 2));
    RaftCore leader = leaderOfThree(storage);

    assertThat(leader.term()).isEqualTo(5);
    assertThat(terms(leader)).containsExactly(1L, 2L, 5L);
    assertThat(drain(leader, storage).entries()).singleElement()
        .satisfies(e -> assertThat(e.kind()).isEqualTo(EntryKind.NO_OP));
  }

  // Raft §5.4.2, Figure 8 (c)-(d): a leader never commits an entry of an earlier term by counting its
  // replicas. Here entry 2 of term 1 sits on a majority (S1..S4) while S1 leads term 3, yet is not
  // committed; S5 is elected next with a later last term and rightly overwrites it everywhere.
  @Test
  void entryOfAnEarlierTermIsNotCommittedByCountingReplicas() {
    RaftNet net = figure8UpToC();
    assertThat(net.core(0).commitIndex()).isEqualTo(1);

    net.crash(0);
    net.heal();
    net.restart(4);
    RaftCore s5 = campaignUntilLeader(net, 4);
    net.tickAll(2);

    assertThat(terms(s5)).startsWith(1L, 2L, 2L);
    for (int i = 1; i < 5; i++) {
      assertThat(terms(net.core(i))).isEqualTo(terms(s5));
      assertThat(net.appliedCommands(i)).containsExactly("y");
    }
  }

  // Raft §5.4.2, Figure 8 (e): once an entry of the leader's current term is stored on a majority, it
  // and every entry before it are committed, and no member lacking them can be elected afterwards.
  @Test
  void entriesOfEarlierTermsCommitOnceAnEntryOfTheCurrentTermDoes() {
    RaftNet net = figure8UpToC();
    net.heal();
    net.tickAll(1);
    assertThat(net.core(0).commitIndex()).isEqualTo(3);

    net.crash(0);
    net.restart(4);
    for (int attempt = 0; attempt < 3; attempt++) {
      net.elect(4);
      assertThat(net.core(4).role()).isNotEqualTo(RaftRole.LEADER);
    }
    campaignUntilLeader(net, 1);
    net.tickAll(2);
    for (int i = 1; i < 5; i++) {
      assertThat(net.appliedCommands(i)).containsExactly("x");
    }
  }

  // Raft §5.4.3, Figure 3: Election Safety, Log Matching, Leader Completeness and State Machine Safety
  // hold through seeded runs of crashes, restarts, partitions and message loss, with and without the
  // thesis extensions; once the faults stop, every member applies the same commands.
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void seededFaultyRunsKeepRaftsSafetyProperties(boolean extensions) {
    RaftConfig config = extensions ? RaftNet.SCRIPTED : plain();
    for (int seed = 1; seed <= 12; seed++) {
      new RaftFaultyRun(new RaftNet(5, config, seed), seed * 31L).run();
    }
  }

  // Raft §5 (assumptions): the network may delay, duplicate and reorder messages as well as lose them;
  // safety never depends on their timing or order.
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void seededRunsWithReorderedDuplicatedAndDelayedMessagesKeepRaftsSafetyProperties(boolean extensions) {
    RaftConfig config = extensions ? RaftNet.scriptedBuilder().maxInflightMessages(4).build()
        : RaftNet.scriptedBuilder().preVote(false).checkQuorum(false).maxEntriesBytesPerMessage(40).build();
    for (int seed = 1; seed <= 12; seed++) {
      new RaftFaultyRun(new RaftNet(5, config, seed), seed * 17L).chaoticNetwork().run();
    }
  }

  // ------------------------------------------------------------------ helpers

  /** A core for S1 in a group of three that has won an election (S2 voted for it). */
  private static RaftCore leaderOfThree(InMemoryRaftStorage storage) {
    RaftCore c = RaftFixtures.core(1, 3, plain(), storage);
    c.campaign();
    drain(c, storage);
    c.step(S2, new VoteResponse("g", c.term(), true, false));
    assertThat(c.role()).isEqualTo(RaftRole.LEADER);
    return c;
  }

  private static RaftCore campaignUntilLeader(RaftNet net, int i) {
    for (int attempt = 0; attempt < 5 && net.core(i).role() != RaftRole.LEADER; attempt++) {
      net.elect(i);
    }
    assertThat(net.core(i).role()).isEqualTo(RaftRole.LEADER);
    return net.core(i);
  }

  /**
   * Figure 8 (a)-(c) with five members S1..S5 (indexes 0..4). Every new leader appends a no-op, so the
   * indexes shift by one from the paper's: (a) S1 leads term 1 and puts x at index 2 on S1 and S2 only;
   * (b) S1 crashes, S5 leads term 2 with votes from S3, S4, S5 and appends its no-op and y alone; (c) S5
   * crashes, S1 restarts and leads term 3; it gets 2@1 onto S3 and S4, but its no-op 3@3 onto nobody.
   */
  private static RaftNet figure8UpToC() {
    RaftNet net = new RaftNet(5, RaftNet.scriptedBuilder().preVote(false).checkQuorum(false).maxEntriesBytesPerMessage(1)
        .build(), 1);
    net.elect(0);
    for (int i = 2; i < 5; i++) {
      net.cut(S1, net.id(i));
    }
    net.propose(0, "x");
    net.stabilize();
    assertThat(terms(net.core(1))).containsExactly(1L, 1L);

    net.crash(0);
    net.heal();
    MemberId s5 = net.id(4);
    net.dropWhere(e -> e.from().equals(s5) && e.out().message() instanceof AppendRequest);
    net.elect(4);
    assertThat(net.core(4).role()).isEqualTo(RaftRole.LEADER);
    net.propose(4, "y");
    net.stabilize();
    assertThat(terms(net.core(4))).containsExactly(1L, 2L, 2L);

    net.crash(4);
    net.heal();
    net.restart(0);
    // The network loses every AppendRequest from S1 that a member could take entry 3 from.
    net.dropWhere(e -> e.from().equals(S1) && e.out().message() instanceof AppendRequest a
        && a.entries().stream().anyMatch(x -> x.index() == 3) && net.cores.get(e.out().to()).lastIndex() >= 2);
    RaftCore s1 = campaignUntilLeader(net, 0);
    assertThat(s1.term()).isEqualTo(3);
    assertThat(terms(s1)).containsExactly(1L, 1L, 3L);
    for (int i = 1; i < 4; i++) {
      assertThat(terms(net.core(i))).as("S%d", i + 1).containsExactly(1L, 1L);
    }
    return net;
  }
}
