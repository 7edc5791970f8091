package io.polis.runtime.formation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.membership.Member;
import io.polis.membership.MemberState;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootstrapDecisionTest {

  private final SplittableRandom random = new SplittableRandom(7);

  private Member member(int i, FormationState state) {
    return new Member(MemberId.random(random), address(i), state == null ? Map.of() : state.into(Map.of()), 1,
        MemberState.ALIVE);
  }

  /** The same member announcing that it proposes {@code voters}. */
  private static Member proposing(Member m, Configuration voters) {
    return new Member(m.id(), m.address(), FormationState.WAITING.into(m.metadata(), FormationState.digest(voters)),
        m.incarnation() + 1, m.state());
  }

  /** Every member as it announces the voters it derived from what it sees. */
  private static List<Member> allProposing(List<Member> members, Configuration voters) {
    return members.stream().map(m -> proposing(m, voters)).toList();
  }

  private static Address address(int i) {
    return new Address("10.0.0." + i, 7800);
  }

  private static BootstrapDecision.Outcome decide(FormationConfig config, Member self, boolean hasState,
      List<Member> live) {
    return BootstrapDecision.decide(config, self.id(), self.address(), hasState, live);
  }

  @Test
  void aMemberWithRaftStateNeverBootstrapsAgain() {
    Member a = member(1, FormationState.WAITING);
    Member b = member(2, FormationState.WAITING);
    assertThat(decide(FormationConfig.bootstrapExpect(2), a, true, List.of(a, b)))
        .isInstanceOf(BootstrapDecision.Resume.class);
  }

  @Test
  void staticVotersWaitUntilAMemberIsSeenAtEveryListedAddress() {
    FormationConfig config = FormationConfig.staticVoters(List.of(address(1), address(2), address(3)));
    Member a = member(1, FormationState.WAITING);
    Member b = member(2, FormationState.WAITING);
    Member c = member(3, FormationState.WAITING);
    assertThat(decide(config, a, false, List.of(a, b))).isInstanceOf(BootstrapDecision.Wait.class);
    // All seen: each proposes the same voters, and bootstraps only once all announce that proposal.
    BootstrapDecision.Outcome proposedByA = decide(config, a, false, List.of(a, b, c));
    BootstrapDecision.Outcome proposedByC = decide(config, c, false, List.of(c, b, a));
    assertThat(proposedByA).isInstanceOf(BootstrapDecision.Propose.class);
    Configuration voters = ((BootstrapDecision.Propose) proposedByA).configuration();
    assertThat(((BootstrapDecision.Propose) proposedByC).configuration()).isEqualTo(voters);
    assertThat(voters.voters()).containsOnlyKeys(a.id(), b.id(), c.id());
    assertThat(decide(config, a, false, List.of(proposing(a, voters), proposing(b, voters), c)))
        .as("c has not proposed yet").isInstanceOf(BootstrapDecision.Propose.class);
    List<Member> agreed = allProposing(List.of(a, b, c), voters);
    BootstrapDecision.Outcome fromA = decide(config, agreed.get(0), false, agreed);
    BootstrapDecision.Outcome fromC = decide(config, agreed.get(2), false, agreed);
    assertThat(fromA).isInstanceOf(BootstrapDecision.Bootstrap.class).isEqualTo(fromC);
    // Identical bytes on every member, so the bootstrap entries match.
    assertThat(((BootstrapDecision.Bootstrap) fromA).configuration().encode()).isEqualTo(voters.encode());
  }

  @Test
  void staticVotersWaitWhileTwoLiveMembersClaimOneAddress() {
    FormationConfig config = FormationConfig.staticVoters(List.of(address(1), address(2)));
    Member a = member(1, FormationState.WAITING);
    Member b = member(2, FormationState.WAITING);
    Member b2 = member(2, FormationState.WAITING);
    assertThat(decide(config, a, false, List.of(a, b, b2))).isInstanceOf(BootstrapDecision.Wait.class);
  }

  @Test
  void aMemberThatSawAVoterJustBeforeItWasWipedDoesNotBootstrapWithItsOldId() {
    // c was seen proposing, then restarted without its data as c2 at the same address: b already sees c2.
    FormationConfig config = FormationConfig.staticVoters(List.of(address(1), address(2), address(3)));
    Member a = member(1, FormationState.WAITING);
    Member b = member(2, FormationState.WAITING);
    Member c = member(3, FormationState.WAITING);
    Member c2 = member(3, FormationState.WAITING);
    Configuration old = ((BootstrapDecision.Propose) decide(config, a, false, List.of(a, b, c))).configuration();
    Configuration renewed = ((BootstrapDecision.Propose) decide(config, b, false, List.of(a, b, c2)))
        .configuration();
    assertThat(renewed).isNotEqualTo(old);
    // a still sees c (gossip of its death has not arrived) proposing the old voters; b proposes the new.
    assertThat(decide(config, a, false, List.of(proposing(a, old), proposing(b, renewed), proposing(c, old))))
        .isInstanceOf(BootstrapDecision.Propose.class);
    assertThat(decide(config, b, false, List.of(proposing(a, old), proposing(b, renewed), proposing(c2, renewed))))
        .isInstanceOf(BootstrapDecision.Propose.class);
  }

  @Test
  void aMemberNotListedAsAFirstVoterJoins() {
    FormationConfig config = FormationConfig.staticVoters(List.of(address(1), address(2), address(3)));
    Member d = member(4, FormationState.WAITING);
    assertThat(decide(config, d, false, List.of(d))).isInstanceOf(BootstrapDecision.Join.class);
  }

  @Test
  void aMemberThatSeesAFormedClusterJoinsInsteadOfBootstrapping() {
    Member a = member(1, FormationState.WAITING);
    Member b = member(2, FormationState.FORMED);
    Member c = member(3, FormationState.WAITING);
    assertThat(decide(FormationConfig.staticVoters(List.of(address(1), address(2), address(3))), a, false,
        List.of(a, b, c))).isInstanceOf(BootstrapDecision.Join.class);
    assertThat(decide(FormationConfig.bootstrapExpect(3), a, false, List.of(a, b, c)))
        .isInstanceOf(BootstrapDecision.Join.class);
  }

  @Test
  void bootstrapExpectWaitsForNMembersThenTakesTheNSmallestIdsOnEveryMember() {
    List<Member> all = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      all.add(member(i, FormationState.WAITING));
    }
    FormationConfig expect3 = FormationConfig.bootstrapExpect(3);
    assertThat(decide(expect3, all.get(0), false, all.subList(0, 2))).isInstanceOf(BootstrapDecision.Wait.class);

    List<Member> sorted = all.stream().sorted((x, y) -> x.id().compareTo(y.id())).toList();
    Configuration expected = null;
    for (Member self : sorted.subList(0, 3)) {
      List<Member> view = new ArrayList<>(all);
      Collections.shuffle(view, new java.util.Random(self.id().hashCode()));
      BootstrapDecision.Outcome o = decide(expect3, self, false, view);
      assertThat(o).isInstanceOf(BootstrapDecision.Propose.class);
      Configuration c = ((BootstrapDecision.Propose) o).configuration();
      assertThat(c.voters()).containsOnlyKeys(sorted.get(0).id(), sorted.get(1).id(), sorted.get(2).id());
      if (expected != null) {
        assertThat(c).isEqualTo(expected);
      }
      expected = c;
    }
    List<Member> agreed = allProposing(all, expected);
    Member first = agreed.stream().filter(m -> m.id().equals(sorted.get(0).id())).findFirst().orElseThrow();
    assertThat(decide(expect3, first, false, agreed)).isEqualTo(new BootstrapDecision.Bootstrap(expected));
    assertThat(decide(expect3, sorted.get(3), false, all)).isInstanceOf(BootstrapDecision.Join.class);
  }

  @Test
  void bootstrapExpectCountsOnlyMembersThatRunRaft() {
    Member a = member(1, FormationState.WAITING);
    Member b = member(2, FormationState.WAITING);
    Member plain = member(3, null);
    assertThat(decide(FormationConfig.bootstrapExpect(3), a, false, List.of(a, b, plain)))
        .isInstanceOf(BootstrapDecision.Wait.class);
  }

  @Test
  void aDeadMemberIsNotCountedAsSeen() {
    Member a = member(1, FormationState.WAITING);
    Member b = member(2, FormationState.WAITING);
    Member deadC = new Member(MemberId.random(random), address(3), FormationState.WAITING.into(Map.of()), 1,
        MemberState.DEAD);
    assertThat(decide(FormationConfig.bootstrapExpect(3), a, false, List.of(a, b, deadC)))
        .isInstanceOf(BootstrapDecision.Wait.class);
  }

  @Test
  void settingsRejectBothModesOrNeither() {
    assertThatThrownBy(() -> new FormationConfig(List.of(address(1)), 3, FormationConfig.DEFAULT_POLL_INTERVAL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FormationConfig(List.of(), 0, FormationConfig.DEFAULT_POLL_INTERVAL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FormationConfig.bootstrapExpect(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
