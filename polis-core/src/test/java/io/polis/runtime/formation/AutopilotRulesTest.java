package io.polis.runtime.formation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.membership.Member;
import io.polis.membership.MemberState;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.ConfigChange;
import io.polis.raft.Configuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AutopilotRulesTest {

  private static final AutopilotConfig CONFIG = AutopilotConfig.defaults();
  private static final Duration GRACE = CONFIG.deadMemberGrace();
  private final SplittableRandom random = new SplittableRandom(3);
  private final List<MemberId> ids = new ArrayList<>();

  /** Member i (0-based) at 10.0.0.(i+1). */
  private MemberId id(int i) {
    while (ids.size() <= i) {
      ids.add(MemberId.random(random));
    }
    return ids.get(i);
  }

  private static Address address(int i) {
    return new Address("10.0.0." + (i + 1), 7800);
  }

  private Member live(int i) {
    return new Member(id(i), address(i), FormationState.FORMED.into(Map.of()), 1, MemberState.ALIVE);
  }

  private Configuration config(int[] voters, int... learners) {
    Map<MemberId, Address> v = new LinkedHashMap<>();
    for (int i : voters) {
      v.put(id(i), address(i));
    }
    Map<MemberId, Address> l = new LinkedHashMap<>();
    for (int i : learners) {
      l.put(id(i), address(i));
    }
    return new Configuration(v, l);
  }

  private static int[] voters(int... i) {
    return i;
  }

  private Optional<ConfigChange> next(AutopilotConfig c, Configuration conf, List<Member> live,
      Map<MemberId, Duration> down, Map<MemberId, Long> match) {
    Map<MemberId, Long> m = new HashMap<>(match);
    conf.members().forEach(id -> m.putIfAbsent(id, 100L));
    return AutopilotRules.next(c, new AutopilotRules.View(id(0), conf, 100, m, live, down))
        .map(AutopilotRules.Decision::change);
  }

  private Optional<ConfigChange> next(Configuration conf, List<Member> live, Map<MemberId, Duration> down) {
    return next(CONFIG, conf, live, down, Map.of());
  }

  @Test
  void aSteadyGroupNeedsNoChange() {
    assertThat(next(config(voters(0, 1, 2)), List.of(live(0), live(1), live(2)), Map.of())).isEmpty();
  }

  @Test
  void aLiveMemberOutsideTheConfigurationIsAddedAsALearner() {
    assertThat(next(config(voters(0, 1, 2)), List.of(live(0), live(1), live(2), live(3)), Map.of()))
        .contains(new ConfigChange(ConfigChange.Kind.ADD_LEARNER, id(3), address(3)));
  }

  @Test
  void aMemberThatDoesNotRunRaftIsNotAdded() {
    Member plain = new Member(id(3), address(3), Map.of(), 1, MemberState.ALIVE);
    assertThat(next(config(voters(0, 1, 2)), List.of(live(0), live(1), live(2), plain), Map.of())).isEmpty();
  }

  @Test
  void aCaughtUpLearnerIsPromotedWhileBelowTheTarget() {
    Configuration conf = config(voters(0, 1), 2);
    assertThat(next(conf, List.of(live(0), live(1), live(2)), Map.of()))
        .contains(new ConfigChange(ConfigChange.Kind.PROMOTE_LEARNER, id(2), null));
  }

  @Test
  void aLaggingLearnerIsNotPromoted() {
    Configuration conf = config(voters(0, 1), 2);
    assertThat(next(CONFIG, conf, List.of(live(0), live(1), live(2)), Map.of(), Map.of(id(2), 100L - 65))).isEmpty();
    assertThat(next(CONFIG, conf, List.of(live(0), live(1), live(2)), Map.of(), Map.of(id(2), 100L - 64)))
        .isPresent();
  }

  @Test
  void atTheTargetLearnersStayLearners() {
    assertThat(next(config(voters(0, 1, 2), 3), List.of(live(0), live(1), live(2), live(3)), Map.of())).isEmpty();
  }

  @Test
  void theVoterCountStaysOddOneLearnerIsNotPromotedFromOneToTwoVoters() {
    // One voter and one caught-up learner: two voters would need both up, no better than one.
    assertThat(next(config(voters(0), 1), List.of(live(0), live(1)), Map.of())).isEmpty();
    // With a second caught-up learner the even count is passed through at once: 1 -> 2 -> 3.
    assertThat(next(config(voters(0), 1, 2), List.of(live(0), live(1), live(2)), Map.of()))
        .contains(new ConfigChange(ConfigChange.Kind.PROMOTE_LEARNER, id(1), null));
    // But not beyond the target: 3 voters and target 3 leaves them learners; target 5 promotes a pair.
    AutopilotConfig five = CONFIG.withTargetVoters(5);
    List<Member> all = List.of(live(0), live(1), live(2), live(3), live(4));
    assertThat(next(five, config(voters(0, 1, 2), 3), all.subList(0, 4), Map.of(), Map.of())).isEmpty();
    assertThat(next(five, config(voters(0, 1, 2), 3, 4), all, Map.of(), Map.of())).isPresent();
  }

  @Test
  void anEvenTargetIsRejectedWithAClearError() {
    assertThatThrownBy(() -> AutopilotConfig.defaults().withTargetVoters(4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("odd");
    assertThatThrownBy(() -> AutopilotConfig.defaults().withTargetVoters(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDeadVoterIsRemovedOnlyAfterTheGracePeriod() {
    Configuration conf = config(voters(0, 1, 2), 3);
    List<Member> live = List.of(live(0), live(1), live(3));
    assertThat(next(conf, live, Map.of(id(2), GRACE.minusMillis(1)))).isEmpty();
    assertThat(next(conf, live, Map.of(id(2), GRACE)))
        .contains(new ConfigChange(ConfigChange.Kind.REMOVE, id(2), null));
  }

  @Test
  void noVoterIsRemovedWhenTheLiveVotersWouldNotMakeAQuorum() {
    // Five voters, three dead for long: removing one would leave 2 live of 4, short of a quorum of 3.
    Configuration conf = config(voters(0, 1, 2, 3, 4));
    Map<MemberId, Duration> down = Map.of(id(2), GRACE.multipliedBy(10), id(3), GRACE.multipliedBy(10),
        id(4), GRACE.multipliedBy(10));
    assertThat(next(conf, List.of(live(0), live(1)), down)).isEmpty();
    // With two dead, one can go: 3 live of 4 is a quorum.
    Map<MemberId, Duration> twoDown = Map.of(id(3), GRACE, id(4), GRACE);
    assertThat(next(conf, List.of(live(0), live(1), live(2)), twoDown))
        .contains(new ConfigChange(ConfigChange.Kind.REMOVE, id(3), null));
  }

  @Test
  void anIdentityWhoseAddressIsTakenOverIsRemovedAtOnce() {
    // Member 2 restarted without its data: a new id (5) now answers at its address.
    Configuration conf = config(voters(0, 1, 2));
    Member newcomer = new Member(id(5), address(2), FormationState.WAITING.into(Map.of()), 1, MemberState.ALIVE);
    assertThat(next(conf, List.of(live(0), live(1), newcomer), Map.of(id(2), Duration.ZERO)))
        .contains(new ConfigChange(ConfigChange.Kind.REMOVE, id(2), null));
    // Then the newcomer is added, caught up and promoted back to three voters.
    Configuration after = config(voters(0, 1));
    assertThat(next(after, List.of(live(0), live(1), newcomer), Map.of()))
        .contains(new ConfigChange(ConfigChange.Kind.ADD_LEARNER, id(5), address(2)));
  }

  @Test
  void aDeadLearnerIsRemovedAfterTheGracePeriod() {
    Configuration conf = config(voters(0, 1, 2), 3);
    List<Member> live = List.of(live(0), live(1), live(2));
    assertThat(next(conf, live, Map.of(id(3), GRACE.minusSeconds(1)))).isEmpty();
    assertThat(next(conf, live, Map.of(id(3), GRACE)))
        .contains(new ConfigChange(ConfigChange.Kind.REMOVE, id(3), null));
  }

  @Test
  void aDeadVoterIsReplacedBeforeNewMembersAreAddedAndTheLeaderIsNeverTouched() {
    Configuration conf = config(voters(0, 1, 2));
    assertThat(next(conf, List.of(live(1), live(2), live(3)), Map.of(id(0), GRACE.multipliedBy(5))))
        .contains(new ConfigChange(ConfigChange.Kind.ADD_LEARNER, id(3), address(3)));
    Map<MemberId, Duration> down = Map.of(id(2), GRACE);
    assertThat(next(conf, List.of(live(0), live(1), live(3)), down))
        .contains(new ConfigChange(ConfigChange.Kind.REMOVE, id(2), null));
  }

  @Test
  void aSuspectLearnerIsNotPromoted() {
    Member suspect = new Member(id(2), address(2), FormationState.FORMED.into(Map.of()), 1, MemberState.SUSPECT);
    assertThat(next(config(voters(0, 1), 2), List.of(live(0), live(1), suspect), Map.of())).isEmpty();
  }
}
