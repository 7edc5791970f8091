package io.polis.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RaftCoreSmokeTest {

  @Test
  void threeMembersElectALeaderAndReplicate() {
    RaftNet net = RaftNet.of(3);
    net.tickAll(30);
    RaftCore leader = net.leader();
    assertThat(leader).isNotNull();
    int li = net.ids.indexOf(leader.id());
    net.propose(li, "a");
    net.propose((li + 1) % 3, "b");
    net.stabilize();
    net.tickAll(3);
    for (int i = 0; i < 3; i++) {
      assertThat(net.appliedCommands(i)).containsExactly("a", "b");
    }
  }
}
