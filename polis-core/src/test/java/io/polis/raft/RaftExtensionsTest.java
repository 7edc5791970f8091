package io.polis.raft;

import static io.polis.raft.RaftFixtures.address;
import static io.polis.raft.RaftFixtures.member;
import static io.polis.raft.RaftFixtures.record;
import static io.polis.raft.RaftFixtures.terms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.AppendResponse;
import io.polis.wire.RaftHeartbeat;
import io.polis.wire.TimeoutNow;
import io.polis.wire.VoteRequest;
import io.polis.wire.VoteResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Raft thesis features on top of the paper: PreVote and CheckQuorum (§9.6), ReadIndex and lease reads
 * (§6.4), leadership transfer (§3.10), learners and single-server membership changes (§4.1), and
 * flow control of replication. These run with the defaults (PreVote and CheckQuorum on).
 */
class RaftExtensionsTest {

  private static final int E = RaftNet.SCRIPTED.electionTicks();
  private static final MemberId S1 = member(1);
  private static final MemberId S2 = member(2);
  private static final MemberId S3 = member(3);
  private static final MemberId S4 = member(4);

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

  // ------------------------------------------------------------------ ReadIndex, lease reads

  // Thesis §6.4: the leader records its commit index as the read index, confirms it still leads with a
  // round of heartbeats acknowledged by a majority, then lets the read proceed.
  @Test
  void readOnTheLeaderIsAnsweredAfterAHeartbeatRoundWithTheCommitIndex() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.elect(0);
    net.propose(0, "x");
    net.stabilize();

    assertThat(leader.readIndex(7)).isTrue();
    net.flushReady();
    assertThat(net.reads.get(S1)).isEmpty();
    assertThat(net.inFlight).filteredOn(e -> e.out().message() instanceof RaftHeartbeat).hasSize(2);
    net.stabilize();

    assertThat(net.reads.get(S1)).containsExactly(new ReadState(7, 2));
  }

  // Thesis §6.4: a follower asks the leader for the read index and reads once it has applied that far.
  @Test
  void readOnAFollowerIsConfirmedThroughTheLeader() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    net.elect(0);
    net.propose(0, "x");
    net.stabilize();

    assertThat(net.core(1).readIndex(9)).isTrue();
    net.stabilize();

    assertThat(net.reads.get(S2)).containsExactly(new ReadState(9, 2));
    assertThat(net.reads.get(S1)).isEmpty();
  }

  // Thesis §6.4: a new leader does not know the latest commit index until an entry of its own term
  // commits; reads, its own and forwarded, wait for that, then proceed.
  @Test
  void readsWaitUntilANewLeaderHasCommittedAnEntryOfItsTerm() {
    RaftNet net = new RaftNet(3, RaftFixtures.plain(), 1);
    net.elect(0);
    net.propose(0, "x");
    net.stabilize();
    net.crash(0);
    RaftCore leader = net.core(1);
    leader.campaign();
    net.flushReady();
    while (leader.role() != RaftRole.LEADER) {
      net.deliverQueued();
    }
    // S3 takes the new leader's no-op but its acknowledgement is lost: the no-op cannot commit yet.
    net.dropWhere(e -> e.from().equals(S3) && e.out().message() instanceof AppendResponse);
    net.deliverQueued();
    assertThat(net.core(2).leader()).isEqualTo(S2);

    leader.readIndex(5);
    net.core(2).readIndex(6);
    net.stabilize();
    assertThat(leader.commitIndex()).isEqualTo(2);
    assertThat(net.reads.get(S2)).isEmpty();
    assertThat(net.reads.get(S3)).isEmpty();

    net.heal();
    net.tickAll(1);

    assertThat(leader.commitIndex()).isEqualTo(3);
    assertThat(net.reads.get(S2)).containsExactly(new ReadState(5, 3));
    assertThat(net.reads.get(S3)).containsExactly(new ReadState(6, 3));
  }

  // Thesis §6.4: a leader cut off from the majority (perhaps deposed already) cannot confirm a read.
  @Test
  void isolatedOldLeaderCannotAnswerARead() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore old = net.elect(0);
    net.propose(0, "x");
    net.stabilize();
    net.isolate(0);

    old.readIndex(1);
    net.tickAll(4 * E);
    old.readIndex(2);
    net.stabilize();

    assertThat(net.reads.get(S1)).isEmpty();
    assertThat(net.leader()).isNotSameAs(old);
    net.heal();
    net.tickAll(2);
    assertThat(net.reads.get(S1)).isEmpty();
  }

  // Thesis §6.4.1: with lease reads, a leader whose majority acknowledged a heartbeat less than the lease
  // ago answers at once, without a round of messages.
  @Test
  void leaseReadIsAnsweredWithoutARoundWhileTheLeaseHolds() {
    RaftNet net = new RaftNet(3, RaftNet.scriptedBuilder().leaseReads(5).build(), 1);
    RaftCore leader = electAfterStartup(net, 0);
    net.propose(0, "x");
    net.tickAll(1);
    net.isolate(0);
    for (int t = 0; t < 4; t++) {
      net.tick(0);
    }
    net.stabilize();

    leader.readIndex(1);
    net.flushReady();

    assertThat(net.reads.get(S1)).containsExactly(new ReadState(1, 2));
  }

  // Thesis §6.4.1: once the lease has run out, the leader must confirm a read with a heartbeat round; cut
  // off, it cannot.
  @Test
  void leaseReadAfterTheLeaseExpiredNeedsAHeartbeatRound() {
    RaftNet net = new RaftNet(3, RaftNet.scriptedBuilder().leaseReads(5).build(), 1);
    RaftCore leader = electAfterStartup(net, 0);
    net.propose(0, "x");
    net.tickAll(1);
    net.isolate(0);
    for (int t = 0; t < 5; t++) {
      net.tick(0);
    }
    net.stabilize();

    leader.readIndex(1);
    net.flushReady();
    assertThat(net.reads.get(S1)).isEmpty();
    assertThat(net.inFlight).anyMatch(e -> e.out().message() instanceof RaftHeartbeat);

    net.heal();
    net.stabilize();
    assertThat(net.reads.get(S1)).containsExactly(new ReadState(1, 2));
  }

  // Thesis §3.10, §6.4.1: a leader that has told a successor to campaign may be deposed before any lease
  // runs out, so while a transfer is under way it confirms reads with a heartbeat round instead.
  @Test
  void leaseReadIsNotAnsweredFromTheLeaseDuringALeadershipTransfer() {
    RaftNet net = new RaftNet(3, RaftNet.scriptedBuilder().leaseReads(5).build(), 1);
    RaftCore old = electAfterStartup(net, 0);
    net.tickAll(1);
    // S1 hears nothing more: it never learns that S2 won the election the transfer starts.
    net.dropWhere(e -> e.out().to().equals(S1));
    old.transferLeadership(S2);
    net.stabilize();
    assertThat(net.core(1).role()).isEqualTo(RaftRole.LEADER);
    net.propose(1, "written by the new leader");
    net.stabilize();
    assertThat(net.core(1).commitIndex()).isEqualTo(3);
    assertThat(old.role()).isEqualTo(RaftRole.LEADER);

    old.readIndex(1);
    net.stabilize();

    assertThat(net.reads.get(S1)).isEmpty();
  }

  // Thesis §6.4.1, §4.2.3: the lease holds because a member that acknowledged the leader refuses votes
  // for an election timeout. A member that restarts has forgotten whom it acknowledged, so with lease
  // reads it refuses votes for an election timeout after starting, or a successor could be elected
  // while the old leader's lease, counting that member, still holds.
  @Test
  void leaseReadIsNotAnsweredWhileARestartedFollowerHelpsElectASuccessor() {
    RaftNet net = new RaftNet(5, RaftNet.scriptedBuilder().leaseReads(5).build(), 1);
    RaftCore old = electAfterStartup(net, 0);
    net.propose(0, "x");
    net.stabilize();
    net.cut(S1, S4);
    net.cut(S1, member(5));
    net.tickAll(E); // S4 and S5 stop hearing a leader; S2 and S3 keep renewing S1's lease
    assertThat(old.role()).isEqualTo(RaftRole.LEADER);
    net.crash(2);
    net.restart(2);
    net.cut(S1, S3);

    net.core(3).campaign();
    net.stabilize();
    if (net.core(3).role() == RaftRole.LEADER) {
      net.propose(3, "written by a successor");
      net.stabilize();
    }
    old.readIndex(1);
    net.flushReady();

    assertThat(net.core(3).role()).as("S4, with S5 and the restarted S3").isNotEqualTo(RaftRole.LEADER);
    assertThat(net.reads.get(S1)).containsExactly(new ReadState(1, 2));
  }

  // Thesis §3.10, §6.4.1: a TimeoutNow can arrive late (a slow network, a paused target) and still start
  // an election the followers' lease does not hold back, so once a leader has sent one it does not trust
  // its lease again in that term, even after it gave the transfer up.
  @Test
  void leaseReadIsNotAnsweredOnceTimeoutNowWasSentEvenIfTheTransferWasAbandoned() {
    RaftNet net = new RaftNet(3, RaftNet.scriptedBuilder().leaseReads(5).build(), 1);
    RaftCore old = electAfterStartup(net, 0);
    net.tickAll(1);
    old.transferLeadership(S2);
    net.flushReady();
    RaftNet.Envelope timeoutNow = net.inFlight.stream().filter(e -> e.out().message() instanceof TimeoutNow)
        .findFirst().orElseThrow();
    net.inFlight.remove(timeoutNow);
    net.tickAll(E + 1);
    assertThat(old.propose(List.of(bytes("transfer abandoned")))).isTrue();
    net.stabilize();

    net.dropWhere(e -> e.out().to().equals(S1));
    net.inFlight.add(timeoutNow);
    net.stabilize();
    assertThat(net.core(1).role()).isEqualTo(RaftRole.LEADER);
    net.propose(1, "written by the new leader");
    net.stabilize();
    assertThat(old.role()).isEqualTo(RaftRole.LEADER);

    old.readIndex(1);
    net.stabilize();

    assertThat(net.reads.get(S1)).isEmpty();
  }

  // ------------------------------------------------------------------ leadership transfer

  // Thesis §3.10: the leader sends TimeoutNow to an up-to-date target, which campaigns at once and wins
  // the next term without waiting for a timeout.
  @Test
  void transferToAnUpToDateFollowerMakesItLeaderAtTheNextTerm() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore old = net.elect(0);
    net.propose(0, "x");
    net.stabilize();
    long term = old.term();

    old.transferLeadership(S2);
    net.stabilize();

    assertThat(net.leader()).isSameAs(net.core(1));
    assertThat(net.core(1).term()).isEqualTo(term + 1);
    assertThat(old.role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(old.leader()).isEqualTo(S2);
    net.propose(0, "y");
    net.stabilize();
    assertThat(net.appliedCommands(2)).containsExactly("x", "y");
  }

  // Thesis §3.10: a target whose log lags is first brought up to date; only then is it told to campaign,
  // so it can win and nothing committed is lost.
  @Test
  void transferToALaggingFollowerCatchesItUpFirst() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore old = net.elect(0);
    net.cut(S1, S2);
    net.propose(0, "a");
    net.propose(0, "b");
    net.stabilize();
    net.heal();
    assertThat(net.core(1).lastIndex()).isEqualTo(1);
    List<RaftNet.Envelope> timeoutNow = record(net, e -> e.out().message() instanceof TimeoutNow);

    old.transferLeadership(S2);
    assertThat(net.core(1).lastIndex()).isEqualTo(1);
    net.stabilize();

    assertThat(timeoutNow).hasSize(1);
    assertThat(net.leader()).isSameAs(net.core(1));
    net.tickAll(1);
    assertThat(net.appliedCommands(1)).containsExactly("a", "b");
    assertThat(terms(net.core(2))).isEqualTo(terms(net.core(1)));
  }

  // Thesis §3.10: a transfer that does not finish within an election timeout is abandoned, and the leader
  // takes proposals again.
  @Test
  void transferToADownTargetIsAbandonedAfterAnElectionTimeout() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.elect(0);
    net.crash(1);
    leader.transferLeadership(S2);
    assertThat(leader.propose(List.of(bytes("refused")))).isFalse();

    net.tickAll(E);

    assertThat(leader.role()).isEqualTo(RaftRole.LEADER);
    assertThat(leader.propose(List.of(bytes("taken")))).isTrue();
    net.stabilize();
    assertThat(net.appliedCommands(2)).containsExactly("taken");
  }

  // Thesis §3.10: while a transfer is under way the leader takes no proposals, its own or forwarded, nor
  // membership changes: they could delay the target catching up, and the target will lead soon.
  @Test
  void proposalsAreDroppedDuringATransfer() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.elect(0);
    net.crash(1);
    leader.transferLeadership(S2);
    long last = leader.lastIndex();

    assertThat(leader.propose(List.of(bytes("own")))).isFalse();
    net.propose(2, "forwarded");
    net.stabilize();
    assertThatThrownBy(() -> leader.proposeConfigChange(new ConfigChange(ConfigChange.Kind.REMOVE, S2, null)))
        .isInstanceOf(ProposalRejectedException.class).hasMessageContaining("transfer");

    assertThat(leader.lastIndex()).isEqualTo(last);
  }

  // ------------------------------------------------------------------ learners, membership changes

  // Thesis §4.2.1: a learner receives the log but does not vote and does not count toward a majority.
  @Test
  void learnerReceivesTheLogButNeitherVotesNorCountsTowardCommit() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.elect(0);
    net.addMember(4, Configuration.EMPTY);
    leader.proposeConfigChange(new ConfigChange(ConfigChange.Kind.ADD_LEARNER, S4, address(4)));
    net.stabilize();
    net.tickAll(1);
    RaftCore learner = net.core(3);
    assertThat(learner.configuration().learners()).containsKey(S4);
    assertThat(terms(learner)).isEqualTo(terms(leader));

    net.cut(S1, S2);
    net.cut(S1, S3);
    net.propose(0, "x");
    net.stabilize();
    assertThat(learner.lastIndex()).isEqualTo(leader.lastIndex());
    assertThat(leader.commitIndex()).isLessThan(leader.lastIndex());

    net.heal();
    net.crash(0);
    List<RaftNet.Envelope> toLearner = record(net,
        e -> e.out().to().equals(S4) && e.out().message() instanceof VoteRequest);
    for (int t = 0; t < 5 * E; t++) {
      net.tickAll(1);
      assertThat(learner.role()).isEqualTo(RaftRole.FOLLOWER);
    }
    assertThat(toLearner).isEmpty();
    assertThat(net.leader().id()).isIn(S2, S3);
  }

  // Thesis §4.1, §4.2.1: the group grows and shrinks one member at a time: a new member joins as a
  // learner, is promoted once caught up, and a voter leaves; each change takes effect on every member.
  @Test
  void membershipChangesAddALearnerPromoteItAndRemoveAVoter() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.elect(0);
    net.addMember(4, Configuration.EMPTY);

    leader.proposeConfigChange(new ConfigChange(ConfigChange.Kind.ADD_LEARNER, S4, address(4)));
    net.stabilize();
    leader.proposeConfigChange(new ConfigChange(ConfigChange.Kind.PROMOTE_LEARNER, S4, null));
    net.stabilize();
    leader.proposeConfigChange(new ConfigChange(ConfigChange.Kind.REMOVE, S3, null));
    net.stabilize();
    net.tickAll(1);

    for (int i : new int[] {0, 1, 3}) {
      assertThat(net.core(i).configuration().voters().keySet()).containsExactly(S1, S2, S4);
      assertThat(net.core(i).configuration().learners()).isEmpty();
    }
    // S4 now counts toward a majority: with S2 gone, S1 and S4 commit.
    net.crash(1);
    net.crash(2);
    net.propose(0, "x");
    net.stabilize();
    assertThat(net.appliedCommands(3)).containsExactly("x");
  }

  // Thesis §4.1: a member uses the latest configuration in its log, committed or not, so when that entry
  // is overwritten (it never committed) the member goes back to the configuration before it.
  @Test
  void overwrittenConfigurationEntryRollsTheConfigurationBack() {
    RaftNet net = new RaftNet(5, RaftNet.SCRIPTED, 1);
    RaftCore old = net.elect(0);
    Configuration before = old.configuration();
    for (int i = 2; i < 5; i++) {
      net.cut(S1, net.id(i));
    }
    old.proposeConfigChange(new ConfigChange(ConfigChange.Kind.ADD_LEARNER, member(6), address(6)));
    net.stabilize();
    assertThat(net.core(1).configuration().learners()).containsOnlyKeys(member(6));

    net.crash(0);
    net.heal();
    net.tickAll(3 * E);
    assertThat(net.leader().id()).isIn(S3, S4, member(5));
    net.tickAll(1);

    assertThat(net.core(1).configuration()).isEqualTo(before);
    assertThat(net.core(1).lastIndex()).isEqualTo(net.leader().lastIndex());
  }

  // Thesis §4.1: single-server changes are safe only one at a time; a second is refused until the first
  // has committed.
  @Test
  void secondMembershipChangeIsRefusedUntilTheFirstCommits() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.elect(0);
    leader.proposeConfigChange(new ConfigChange(ConfigChange.Kind.ADD_LEARNER, S4, address(4)));

    assertThatThrownBy(() -> leader.proposeConfigChange(
        new ConfigChange(ConfigChange.Kind.ADD_LEARNER, member(5), address(5))))
        .isInstanceOf(ProposalRejectedException.class)
        .hasMessageContaining("is not committed yet").hasMessageContaining("one at a time");

    net.stabilize();
    leader.proposeConfigChange(new ConfigChange(ConfigChange.Kind.ADD_LEARNER, member(5), address(5)));
    net.stabilize();
    assertThat(leader.configuration().learners()).containsOnlyKeys(S4, member(5));
  }

  // Thesis §4.1 (the single-server change bug, fixed as Ongaro's errata describes): a leader makes no
  // change until it has committed an entry of its own term.
  @Test
  void noMembershipChangeBeforeTheLeaderCommittedAnEntryOfItsTerm() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.core(0);
    leader.campaign();
    net.flushReady();
    while (leader.role() != RaftRole.LEADER) {
      net.deliverQueued();
    }

    assertThatThrownBy(() -> leader.proposeConfigChange(
        new ConfigChange(ConfigChange.Kind.ADD_LEARNER, S4, address(4))))
        .isInstanceOf(ProposalRejectedException.class)
        .hasMessageContaining("has not yet committed an entry of its term");

    net.stabilize();
    leader.proposeConfigChange(new ConfigChange(ConfigChange.Kind.ADD_LEARNER, S4, address(4)));
  }

  // Thesis §4.2.2: a leader removed from the group keeps leading until the change commits, then steps
  // down; the remaining members elect a leader among themselves.
  @Test
  void removedLeaderStepsDownOnceTheChangeCommitsAndTheOthersElectANewLeader() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore old = net.elect(0);
    long term = old.term();

    old.proposeConfigChange(new ConfigChange(ConfigChange.Kind.REMOVE, S1, null));
    assertThat(old.role()).isEqualTo(RaftRole.LEADER);
    net.stabilize();
    assertThat(old.role()).isEqualTo(RaftRole.FOLLOWER);

    for (int t = 0; t < 5 * E && net.leader() == null; t++) {
      net.tickAll(1);
      assertThat(old.role()).isEqualTo(RaftRole.FOLLOWER);
    }
    RaftCore next = net.leader();
    assertThat(next.id()).isIn(S2, S3);
    assertThat(next.term()).isGreaterThan(term);
    assertThat(next.configuration().voters().keySet()).containsExactlyInAnyOrder(S2, S3);
    net.propose(net.ids.indexOf(next.id()), "x");
    net.stabilize();
    assertThat(net.appliedCommands(1)).containsExactly("x");
    assertThat(net.appliedCommands(2)).containsExactly("x");
  }

  // Thesis §4.2.3: a member that knows it was removed never campaigns.
  @Test
  void removedMemberDoesNotCampaign() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.elect(0);
    leader.proposeConfigChange(new ConfigChange(ConfigChange.Kind.REMOVE, S3, null));
    net.stabilize();
    List<RaftNet.Envelope> fromRemoved = record(net, e -> e.from().equals(S3));

    net.tickAll(10 * E);

    assertThat(net.core(2).role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(fromRemoved).noneMatch(e -> e.out().message() instanceof VoteRequest);
    assertThat(net.leader()).isSameAs(leader);
  }

  // Thesis §4.2.3: a member removed while cut off does not learn it; it may ask for votes, but it cannot
  // raise anyone's term or depose the leader.
  @Test
  void removedMemberThatMissedItsRemovalDoesNotDisruptTheGroup() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    RaftCore leader = net.elect(0);
    long term = leader.term();
    net.isolate(2);
    leader.proposeConfigChange(new ConfigChange(ConfigChange.Kind.REMOVE, S3, null));
    net.stabilize();
    net.tickAll(5 * E);

    net.heal();
    net.tickAll(10 * E);

    assertThat(net.leader()).isSameAs(leader);
    assertThat(leader.term()).isEqualTo(term);
    assertThat(net.core(1).term()).isEqualTo(term);
  }

  // ------------------------------------------------------------------ flow control

  // A leader keeps at most maxInflightMessages AppendRequests with entries unacknowledged per follower,
  // so a follower that stopped answering does not make it send (and buffer) without bound.
  @Test
  void followerThatNeverAnswersGetsAtMostMaxInflightAppends() {
    RaftNet net = new RaftNet(3, RaftNet.scriptedBuilder().maxInflightMessages(2).build(), 1);
    RaftCore leader = net.elect(0);
    int[] appendsWithEntries = new int[1];
    net.dropWhere(e -> {
      if (e.out().to().equals(S3) && e.out().message() instanceof AppendRequest a && !a.entries().isEmpty()) {
        appendsWithEntries[0]++;
      }
      return e.from().equals(S3);
    });

    for (int i = 0; i < 10; i++) {
      net.propose(0, "c" + i);
      net.stabilize();
    }

    assertThat(appendsWithEntries[0]).isEqualTo(2);
    assertThat(leader.commitIndex()).isEqualTo(11);
  }

  // Flow control must not wedge a follower: when every AppendRequest that filled its window was lost,
  // the heartbeat answers that show it alive get replication going again.
  @Test
  void followerWhoseInflightWindowFilledWithLostAppendsCatchesUp() {
    RaftNet net = new RaftNet(3, RaftNet.scriptedBuilder().maxInflightMessages(2).build(), 1);
    RaftCore leader = net.elect(0);
    net.dropWhere(e -> e.out().to().equals(S3) && e.out().message() instanceof AppendRequest);
    for (int i = 0; i < 10; i++) {
      net.propose(0, "c" + i);
      net.stabilize();
    }
    net.heal();

    net.tickAll(3);

    assertThat(net.core(2).lastIndex()).isEqualTo(leader.lastIndex());
    assertThat(net.appliedCommands(2)).hasSize(10);
  }

  // ------------------------------------------------------------------ everything at once

  // Thesis §3.10, §4, §6.4: through seeded runs of crashes, partitions and message loss (and, in the
  // chaotic runs, reordering, duplication and delay), with reads, leadership transfers and membership
  // changes thrown in, Raft's safety properties hold, and every read index covers all that was committed
  // anywhere before the read was asked.
  @ParameterizedTest
  @CsvSource({"false,false", "false,true", "true,false", "true,true"})
  void seededFaultyRunsWithReadsTransfersAndMembershipChangesStaySafe(boolean chaotic, boolean leaseReads) {
    RaftConfig config = leaseReads ? RaftNet.scriptedBuilder().leaseReads(5).maxInflightMessages(4).build()
        : RaftNet.SCRIPTED;
    int answered = 0;
    for (int seed = 1; seed <= 10; seed++) {
      RaftFaultyRun run = new RaftFaultyRun(new RaftNet(5, config, seed), seed).withReads().withTransfers()
          .withMembershipChanges();
      answered += (chaotic ? run.chaoticNetwork() : run).run().readsAnswered;
    }
    assertThat(answered).as("reads answered").isGreaterThan(50);
  }

  /**
   * Lets the members run an election timeout (a member with lease reads grants no vote sooner after it
   * starts), then makes member {@code i} the leader.
   */
  private static RaftCore electAfterStartup(RaftNet net, int i) {
    net.tickAll(E);
    RaftCore leader = net.leader();
    if (leader == null) {
      net.elect(i);
    } else if (leader != net.core(i)) {
      leader.transferLeadership(net.id(i));
      net.stabilize();
    }
    assertThat(net.core(i).role()).isEqualTo(RaftRole.LEADER);
    return net.core(i);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
