package io.polis.raft;

import static io.polis.raft.RaftFixtures.bytes;
import static io.polis.raft.RaftFixtures.member;
import static io.polis.raft.RaftFixtures.record;
import static io.polis.raft.RaftFixtures.terms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.node.MemberId;
import io.polis.wire.TimeoutNow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Thesis §3.10 (leadership transfer): TimeoutNow, catching the target up, abandoning a transfer. */
class LeadershipTransferTest {

  private static final int E = RaftNet.SCRIPTED.electionTicks();
  private static final MemberId S1 = member(1);
  private static final MemberId S2 = member(2);

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
}
