package io.polis.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Health-aware leadership: the application keeps a member from leading, or makes its leader hand over. */
class HealthAwareLeadershipTest {

  private static final int E = RaftNet.SCRIPTED.electionTicks();

  @Test
  void aMemberNotReadyToLeadNeverCampaignsButStillVotes() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 7);
    net.core(0).setEligibleToLead(false);
    net.core(1).setEligibleToLead(false);

    net.tickAll(10 * E);

    assertThat(net.leader()).isSameAs(net.core(2)); // the only eligible member, elected with the others' votes
    net.propose(2, "x");
    net.stabilize();
    assertThat(net.appliedCommands(0)).containsExactly("x");
  }

  @Test
  void aMemberThatIsNotReadyIsNotElectedEvenWhenTheLeaderFails() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 7);
    RaftCore leader = net.elect(2);
    net.core(0).setEligibleToLead(false);
    long term = leader.term();

    net.crash(2);
    net.tickAll(10 * E);

    assertThat(net.leader()).isSameAs(net.core(1));
    assertThat(net.core(0).role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(net.core(1).term()).isGreaterThan(term);
  }

  @Test
  void aLeaderThatBecomesUnhealthyHandsLeadershipToAnUpToDateFollower() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 7);
    RaftCore old = net.elect(0);
    net.propose(0, "before");
    net.stabilize();

    old.setEligibleToLead(false);
    net.stabilize();

    RaftCore next = net.leader();
    assertThat(next).isNotNull().isNotSameAs(old);
    assertThat(old.role()).isEqualTo(RaftRole.FOLLOWER);
    net.tickAll(10 * E);
    assertThat(net.leader()).as("the unhealthy member does not take leadership back").isSameAs(next);
    net.propose(0, "after"); // forwarded by the old leader, now a follower
    net.stabilize();
    assertThat(net.appliedCommands(0)).containsExactly("before", "after");
  }

  @Test
  void anUnhealthyLeaderRetriesTheHandOverWhenTheFirstTargetDoesNotAnswer() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 7);
    RaftCore old = net.elect(0);
    net.propose(0, "x");
    net.stabilize();
    // The follower with the best log is unreachable for the first attempt only.
    net.crash(1);

    old.setEligibleToLead(false);
    net.tickAll(3 * E);

    assertThat(net.leader()).isSameAs(net.core(2));
  }

  @Test
  void aMemberMadeEligibleAgainCampaignsAgain() {
    RaftNet net = new RaftNet(1, RaftNet.SCRIPTED, 7);
    net.core(0).setEligibleToLead(false);
    net.tickAll(5 * E);
    assertThat(net.leader()).isNull();

    net.core(0).setEligibleToLead(true);
    net.tickAll(3 * E);

    assertThat(net.leader()).isSameAs(net.core(0));
  }
}
