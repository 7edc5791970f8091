package io.polis.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.MemberId;
import io.polis.sim.Simulation;
import io.polis.transport.local.NetworkFaults;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Single-scenario membership behaviour in the simulator (one fixed seed each, replayable). */
class MembershipBehaviourTest {

  private static final String NAME = MembershipBehaviourTest.class.getSimpleName();
  private static final Duration BOUND = Duration.ofSeconds(30);

  private static SimCluster cluster(long seed, int size) {
    Simulation sim = new Simulation(seed);
    sim.network().setFaults(NetworkFaults.builder().delay(Duration.ofMillis(1), Duration.ofMillis(3)).build());
    return new SimCluster(sim, size, MembershipConfig.builder());
  }

  @Test
  void aNodeWhoseSeedsAreAllDownFormsAClusterOfOneAndMergesWhenOneAppears() {
    SimCluster c = cluster(1, 2);
    SimMember lonely = c.members.get(1);
    lonely.start();
    c.sim.scheduler().advance(Duration.ofSeconds(5));
    assertThat(lonely.liveView()).containsExactly(lonely.id());

    c.members.get(0).start();
    c.awaitConvergence(BOUND, NAME);
    assertThat(lonely.liveView()).hasSize(2);
  }

  @Test
  void twoClustersFormedOnEitherSideOfAPartitionMergeWhenItHeals() {
    SimCluster c = cluster(2, 6);
    var left = Set.of(c.members.get(0).address, c.members.get(1).address, c.members.get(2).address);
    var right = Set.of(c.members.get(3).address, c.members.get(4).address, c.members.get(5).address);
    c.sim.network().partition(left, right);
    c.startAll();
    c.sim.scheduler().advance(Duration.ofSeconds(10));
    assertThat(c.members.get(0).liveView()).hasSize(3);
    assertThat(c.members.get(5).liveView()).hasSize(3);

    c.sim.network().heal();
    c.awaitConvergence(BOUND, NAME);
    assertThat(c.members.get(0).liveView()).hasSize(6);
  }

  /**
   * A seeded simulation replays only if what callers iterate comes in the same order in every JVM (a
   * {@code Map.copyOf} view does not): the members come in member-id order.
   */
  @Test
  void membersComeInMemberIdOrder() {
    SimCluster c = cluster(5, 5);
    c.startAll();
    c.awaitConvergence(BOUND, NAME);
    for (SimMember m : c.members) {
      List<MemberId> ids = m.membership().members().stream().map(Member::id).toList();
      assertThat(ids).hasSize(5).isSortedAccordingTo(Comparator.naturalOrder());
    }
  }

  @Test
  void metadataChangesReachEveryMemberWithAnEvent() {
    SimCluster c = cluster(3, 4);
    c.startAll();
    c.awaitConvergence(BOUND, NAME);
    SimMember changer = c.members.get(2);
    changer.membership().updateMetadata(Map.of("zone", "eu-west-1b", "version", "2.0"));
    c.sim.scheduler().advance(Duration.ofSeconds(3));
    for (SimMember m : c.members) {
      assertThat(m.membership().member(changer.id()).orElseThrow().metadata())
          .containsEntry("zone", "eu-west-1b").containsEntry("version", "2.0");
      if (m != changer) {
        assertThat(m.events).anyMatch(e -> e instanceof MembershipEvent.MetadataUpdated u
            && u.member().id().equals(changer.id()));
      }
    }
  }

  @Test
  void anObserverSeesACrashedMemberJoinThenBeSuspectedThenGoDownInThatOrder() {
    SimCluster c = cluster(4, 5);
    c.startAll();
    c.awaitConvergence(BOUND, NAME);
    SimMember victim = c.members.get(4);
    MemberId victimId = victim.id();
    victim.crash();
    c.awaitConvergence(BOUND, NAME);
    for (SimMember observer : c.up()) {
      List<String> kinds = observer.events.stream().filter(e -> e.member().id().equals(victimId))
          .map(e -> e.getClass().getSimpleName()).toList();
      assertThat(kinds).as("events about the victim at %s", observer)
          .containsExactly("Joined", "Suspected", "Down");
    }
  }

  @Test
  void aLeavingMemberIsSeenToLeaveNotToFail() {
    SimCluster c = cluster(5, 4);
    c.startAll();
    c.awaitConvergence(BOUND, NAME);
    SimMember leaver = c.members.get(1);
    MemberId leaverId = leaver.id();
    leaver.membership().leave();
    c.sim.scheduler().advance(Duration.ofMillis(500));
    leaver.crash();
    c.awaitConvergence(BOUND, NAME);
    for (SimMember m : c.up()) {
      assertThat(m.membership().member(leaverId).orElseThrow().state()).isEqualTo(MemberState.LEFT);
      assertThat(m.events).noneMatch(e -> e instanceof MembershipEvent.Down);
    }
  }

  @Test
  void aShortPauseIsRefutedWhileALongOneIsDeclaredDownAndRejoinsOnResume() {
    SimCluster c = cluster(6, 5);
    c.startAll();
    c.awaitConvergence(BOUND, NAME);
    SimMember sleeper = c.members.get(3);

    sleeper.pause(); // shorter than the shortest suspicion timeout
    c.sim.scheduler().advance(Duration.ofMillis(400));
    sleeper.resume();
    c.sim.scheduler().advance(Duration.ofSeconds(5));
    c.members.forEach(m -> assertThat(m.events).noneMatch(e -> e instanceof MembershipEvent.Down));

    sleeper.pause(); // a pause far past every timeout, as a long GC or a stopped VM
    c.sim.scheduler().advance(Duration.ofSeconds(10));
    SimMember observer = c.members.get(0);
    assertThat(observer.membership().member(sleeper.id()).orElseThrow().state()).isEqualTo(MemberState.DEAD);
    sleeper.resume();
    c.awaitConvergence(BOUND, NAME);
    assertThat(observer.events).anyMatch(e -> e instanceof MembershipEvent.Joined j
        && j.member().id().equals(sleeper.id()) && j.member().incarnation() > 0);
  }
}
