package io.polis.raft;

import static io.polis.raft.RaftFixtures.bytes;
import static io.polis.raft.RaftFixtures.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.MemberId;
import io.polis.wire.AppendResponse;
import io.polis.wire.RaftHeartbeat;
import io.polis.wire.TimeoutNow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Thesis §6.4 reads: ReadIndex on the leader and followers, and lease reads (§6.4.1) and when to distrust them. */
class ReadIndexTest {

  private static final int E = RaftNet.SCRIPTED.electionTicks();
  private static final MemberId S1 = member(1);
  private static final MemberId S2 = member(2);
  private static final MemberId S3 = member(3);
  private static final MemberId S4 = member(4);

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
}
