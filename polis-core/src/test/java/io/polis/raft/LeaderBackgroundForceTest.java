package io.polis.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * A leader whose own entries are forced in the background (Raft thesis §10.2.1): it counts its copy toward
 * a majority only once the driver reports it durable, so two followers can commit without it, and one
 * follower with an unforced leader cannot.
 */
class LeaderBackgroundForceTest {

  @Test
  void twoFollowersCommitAWriteWhileTheLeadersOwnForceIsStillRunning() {
    RaftNet net = RaftNet.of(3);
    net.forcesInBackground.add(net.id(0));
    RaftCore leader = net.elect(0);

    net.propose(0, "x");
    net.stabilize();

    assertThat(net.forceOwed).as("the leader's force has not ended").containsKey(net.id(0));
    assertThat(leader.commitIndex()).isEqualTo(leader.lastIndex());
    assertThat(net.appliedCommands(0)).containsExactly("x");
  }

  @Test
  void oneFollowerAndAnUnforcedLeaderAreNoMajority() {
    RaftNet net = RaftNet.of(3);
    net.forcesInBackground.add(net.id(0));
    RaftCore leader = net.elect(0);
    net.finishForce(0);
    long committed = leader.commitIndex();
    net.isolate(2);

    net.propose(0, "x");
    net.stabilize();
    // Raft §5.3: the entry is on the leader (written, not forced) and one follower: not yet a majority.
    assertThat(leader.commitIndex()).isEqualTo(committed);
    assertThat(net.appliedCommands(0)).isEmpty();

    net.finishForce(0);
    net.stabilize();
    assertThat(leader.commitIndex()).isEqualTo(leader.lastIndex());
    assertThat(net.appliedCommands(0)).containsExactly("x");
    assertThat(net.appliedCommands(1)).as("told the new commit index").containsExactly("x");
  }

  @Test
  void aReportForAnEntryTheLogDoesNotHoldAtThatTermCountsNothing() {
    RaftNet net = RaftNet.of(3);
    net.forcesInBackground.add(net.id(0));
    RaftCore leader = net.elect(0);
    net.finishForce(0);
    long committed = leader.commitIndex();
    net.isolate(2);
    net.propose(0, "x");
    net.stabilize();

    leader.persistedTo(leader.lastIndex(), leader.term() + 1);
    leader.persistedTo(leader.lastIndex() + 1, leader.term());
    net.stabilize();

    assertThat(leader.commitIndex()).isEqualTo(committed);
  }

  @Test
  void aReportThatArrivesAfterTheLeaderSteppedDownIsIgnored() {
    RaftNet net = RaftNet.of(3);
    net.forcesInBackground.add(net.id(0));
    net.elect(0);
    net.propose(0, "x");
    net.stabilize();
    net.isolate(0);
    net.tickAll(40); // 1 and 2 elect a leader of a later term; 0 steps down, cut off (CheckQuorum)
    net.heal();
    net.tickAll(2);
    assertThat(net.core(0).role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(net.leader()).isNotSameAs(net.core(0));

    net.finishForce(0);
    net.stabilize();

    assertThat(net.core(0).role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(net.core(0).commitIndex()).isEqualTo(net.core(1).commitIndex());
  }

  @Test
  void onlyALeadersBatchMayBeLeftUnforced() {
    RaftNet net = RaftNet.of(3);
    net.elect(0);
    RaftCore follower = net.core(1);

    follower.step(net.id(0), new io.polis.wire.RaftHeartbeat("g", net.core(0).term(), 0, 0));
    Ready ready = follower.ready();

    assertThat(ready.role()).isEqualTo(RaftRole.FOLLOWER);
    // A follower's answer promises its log: it must be durable before it is sent, never left to a force.
    assertThatThrownBy(() -> follower.advanceWritten(ready)).isInstanceOf(IllegalArgumentException.class);
  }
}
