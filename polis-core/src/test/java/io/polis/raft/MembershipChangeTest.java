package io.polis.raft;

import static io.polis.raft.RaftFixtures.address;
import static io.polis.raft.RaftFixtures.member;
import static io.polis.raft.RaftFixtures.record;
import static io.polis.raft.RaftFixtures.terms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.node.MemberId;
import io.polis.wire.VoteRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Thesis §4 (membership changes): learners, one change at a time, removed leaders and members. */
class MembershipChangeTest {

  private static final int E = RaftNet.SCRIPTED.electionTicks();
  private static final MemberId S1 = member(1);
  private static final MemberId S2 = member(2);
  private static final MemberId S3 = member(3);
  private static final MemberId S4 = member(4);

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
}
