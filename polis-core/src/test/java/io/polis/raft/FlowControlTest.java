package io.polis.raft;

import static io.polis.raft.RaftFixtures.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import org.junit.jupiter.api.Test;

/** Flow control of replication: a bounded window of unacknowledged appends per follower that cannot wedge. */
class FlowControlTest {

  private static final MemberId S3 = member(3);

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
}
