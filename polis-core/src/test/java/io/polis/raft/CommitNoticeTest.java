package io.polis.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.wire.AppendRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How followers learn a new commit index: by default with the next AppendRequest or heartbeat and at the
 * latest on the leader's next tick, with no extra round per commit; at once for a member waiting on it.
 */
class CommitNoticeTest {

  /** A heartbeat every 5 ticks, so one tick shows the tick's own notice, not a heartbeat's. */
  private static RaftNet net(boolean atOnce) {
    return new RaftNet(3, RaftNet.scriptedBuilder().heartbeatTicks(5).announceCommitAtOnce(atOnce).build(), 1);
  }

  /** A group whose leader, member 0, has told the followers that its first entry committed. */
  private static RaftNet settled(boolean atOnce) {
    RaftNet net = net(atOnce);
    net.elect(0);
    net.tick(0);
    net.stabilize();
    return net;
  }

  private static List<AppendRequest> recordEmptyAppends(RaftNet net) {
    List<AppendRequest> empty = new ArrayList<>();
    net.dropWhere(e -> {
      if (e.out().message() instanceof AppendRequest a && a.entries().isEmpty()) {
        empty.add(a);
      }
      return false;
    });
    return empty;
  }

  @Test
  void followersLearnANewCommitIndexOnTheLeadersNextTickWithoutAnExtraRound() {
    RaftNet net = settled(false);
    List<AppendRequest> emptyAppends = recordEmptyAppends(net);

    net.propose(0, "x");
    net.stabilize();

    assertThat(net.core(0).commitIndex()).isEqualTo(2);
    assertThat(emptyAppends).as("no round of empty AppendRequests after the commit").isEmpty();
    assertThat(net.core(1).commitIndex()).isEqualTo(1);
    assertThat(net.core(2).commitIndex()).isEqualTo(1);

    net.tick(0);
    net.stabilize();

    assertThat(emptyAppends).hasSize(2).allSatisfy(a -> assertThat(a.commit()).isEqualTo(2));
    for (int i = 1; i < 3; i++) {
      assertThat(net.core(i).commitIndex()).isEqualTo(2);
      assertThat(net.appliedCommands(i)).containsExactly("x");
    }
  }

  @Test
  void theNextAppendRequestCarriesTheCommitIndexOfTheWriteBefore() {
    RaftNet net = net(false);
    net.elect(0);
    net.propose(0, "x");
    net.stabilize();
    net.propose(0, "y");
    net.stabilize();

    assertThat(net.core(1).commitIndex()).as("learned with y's entries").isEqualTo(2);
    assertThat(net.appliedCommands(1)).containsExactly("x");
  }

  @Test
  void aMemberThatForwardedAProposalIsToldAtOnceThatItCommitted() {
    RaftNet net = settled(false);

    net.propose(1, "via a follower");
    net.stabilize();

    assertThat(net.core(0).commitIndex()).isEqualTo(2);
    assertThat(net.core(1).commitIndex()).as("the forwarder, which waits to apply its proposal").isEqualTo(2);
    assertThat(net.appliedCommands(1)).containsExactly("via a follower");
    assertThat(net.core(2).commitIndex()).as("the other follower learns it later").isEqualTo(1);
  }

  @Test
  void announcingAtOnceTellsEveryFollowerInARoundOfItsOwn() {
    RaftNet net = settled(true);
    List<AppendRequest> emptyAppends = recordEmptyAppends(net);

    net.propose(0, "x");
    net.stabilize();

    assertThat(emptyAppends).hasSize(2);
    assertThat(net.core(1).commitIndex()).isEqualTo(2);
    assertThat(net.core(2).commitIndex()).isEqualTo(2);
  }
}
