package io.polis.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.wire.MemberUpdate;
import io.polis.wire.MemberUpdate.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SWIM's precedence rules (§4.2 of the SWIM paper, suspicion subprotocol) as MemberTable applies them. */
class MemberTableTest {

  private final MemberId self = MemberId.random();
  private final MemberId other = MemberId.random();
  private final MemberId witness = MemberId.random();
  private final Address otherAddress = new Address("10.0.0.2", 7800);
  private final MemberTable table = new MemberTable(self, new Address("10.0.0.1", 7800), Map.of(), 0);

  private MemberUpdate about(MemberId member, Status status, long incarnation) {
    return new MemberUpdate(status, member, otherAddress, incarnation, Map.of("zone", "a"), witness);
  }

  @Test
  void anUnknownAliveMemberJoins() {
    MemberTable.Applied applied = table.apply(about(other, Status.ALIVE, 0), 1);
    assertThat(applied.event()).isInstanceOf(MembershipEvent.Joined.class);
    assertThat(applied.gossip()).isNotNull();
    assertThat(table.get(other).state).isEqualTo(MemberState.ALIVE);
  }

  @Test
  void gossipAboutAnUnknownMemberOtherThanAliveIsIgnored() {
    assertThat(table.apply(about(other, Status.SUSPECT, 0), 1)).isEqualTo(MemberTable.Applied.NOTHING);
    assertThat(table.apply(about(other, Status.DEAD, 0), 1)).isEqualTo(MemberTable.Applied.NOTHING);
    assertThat(table.get(other)).isNull();
  }

  @Test
  void suspectOverridesAliveOfTheSameIncarnation() { // SWIM §4.2: {Suspect Ml, i} overrides {Alive Ml, j}, i >= j
    table.apply(about(other, Status.ALIVE, 3), 1);
    MemberTable.Applied applied = table.apply(about(other, Status.SUSPECT, 3), 2);
    assertThat(applied.event()).isInstanceOf(MembershipEvent.Suspected.class);
    assertThat(applied.suspect()).isTrue();
    assertThat(table.get(other).state).isEqualTo(MemberState.SUSPECT);
  }

  @Test
  void aliveOfAHigherIncarnationRefutesASuspicion() { // SWIM §4.2: {Alive Ml, i} overrides {Suspect Ml, j}, i > j
    table.apply(about(other, Status.ALIVE, 3), 1);
    table.apply(about(other, Status.SUSPECT, 3), 2);
    assertThat(table.apply(about(other, Status.ALIVE, 3), 3)).isEqualTo(MemberTable.Applied.NOTHING);
    MemberTable.Applied applied = table.apply(about(other, Status.ALIVE, 4), 4);
    assertThat(applied.event()).isInstanceOf(MembershipEvent.Recovered.class);
    assertThat(table.get(other).state).isEqualTo(MemberState.ALIVE);
  }

  @Test
  void aSecondSuspicionOfTheSameIncarnationIsAConfirmationNotNews() {
    table.apply(about(other, Status.ALIVE, 0), 1);
    table.apply(about(other, Status.SUSPECT, 0), 2);
    MemberTable.Applied again = table.apply(about(other, Status.SUSPECT, 0), 3);
    assertThat(again.suspect()).isTrue();
    assertThat(again.gossip()).isNull();
    assertThat(again.event()).isNull();
  }

  @Test
  void deadOverridesEverythingOfTheSameOrLowerIncarnationAndIsFinal() { // SWIM §4.2: {Confirm Ml, i} overrides all
    table.apply(about(other, Status.ALIVE, 2), 1);
    assertThat(table.apply(about(other, Status.DEAD, 1), 2)).isEqualTo(MemberTable.Applied.NOTHING);
    assertThat(table.apply(about(other, Status.DEAD, 2), 2).event()).isInstanceOf(MembershipEvent.Down.class);
    assertThat(table.apply(about(other, Status.SUSPECT, 5), 3)).isEqualTo(MemberTable.Applied.NOTHING);
    assertThat(table.apply(about(other, Status.ALIVE, 2), 3)).isEqualTo(MemberTable.Applied.NOTHING);
    assertThat(table.get(other).state).isEqualTo(MemberState.DEAD);
  }

  @Test
  void aDeadMemberComingBackWithAHigherIncarnationRejoins() {
    table.apply(about(other, Status.ALIVE, 2), 1);
    table.apply(about(other, Status.DEAD, 2), 2);
    assertThat(table.apply(about(other, Status.ALIVE, 3), 3).event()).isInstanceOf(MembershipEvent.Joined.class);
    assertThat(table.get(other).state).isEqualTo(MemberState.ALIVE);
  }

  @Test
  void aSuspicionAboutThisNodeIsRefutedWithAHigherIncarnation() { // SWIM §4.2: a member refutes by incrementing
    MemberTable.Applied applied = table.apply(about(self, Status.SUSPECT, 0), 1);
    assertThat(applied.refuted()).isTrue();
    assertThat(applied.gossip().status()).isEqualTo(Status.ALIVE);
    assertThat(applied.gossip().incarnation()).isEqualTo(1);
    assertThat(table.local().incarnation).isEqualTo(1);
    assertThat(table.apply(about(self, Status.DEAD, 7), 2).gossip().incarnation()).isEqualTo(8);
  }

  @Test
  void aNewMemberAtAnOldMembersAddressReplacesIt() {
    table.apply(about(other, Status.ALIVE, 4), 1);
    MemberId reborn = MemberId.random();
    table.apply(about(reborn, Status.ALIVE, 0), 2);
    var replaced = table.replaceSameAddress(table.get(reborn), 2);
    assertThat(replaced).hasSize(1);
    assertThat(replaced.get(0).event()).isInstanceOf(MembershipEvent.Down.class);
    assertThat(table.get(other).state).isEqualTo(MemberState.DEAD);
    assertThat(table.get(reborn).state).isEqualTo(MemberState.ALIVE);
  }

  @Test
  void deadMembersAreForgottenAfterTheReapTimeout() {
    table.apply(about(other, Status.ALIVE, 0), 0);
    table.apply(about(other, Status.DEAD, 0), 100);
    table.reap(150, 100);
    assertThat(table.get(other)).isNotNull();
    table.reap(200, 100);
    assertThat(table.get(other)).isNull();
    assertThat(table.local()).isNotNull();
  }

  @Test
  void newMetadataWithAHigherIncarnationIsAnUpdate() {
    table.apply(about(other, Status.ALIVE, 0), 0);
    MemberUpdate changed = new MemberUpdate(Status.ALIVE, other, otherAddress, 1, Map.of("zone", "b"), other);
    assertThat(table.apply(changed, 1).event()).isInstanceOf(MembershipEvent.MetadataUpdated.class);
    assertThat(table.get(other).metadata).containsEntry("zone", "b");
  }

  @Test
  void theLiveCountFollowsEveryTransition() {
    assertThat(table.liveCount()).isEqualTo(1);
    table.apply(about(other, Status.ALIVE, 0), 1);
    assertThat(table.liveCount()).isEqualTo(2);
    table.apply(about(other, Status.SUSPECT, 0), 2);
    assertThat(table.liveCount()).isEqualTo(2);
    table.apply(about(other, Status.DEAD, 0), 3);
    assertThat(table.liveCount()).isEqualTo(1);
    table.apply(about(other, Status.ALIVE, 1), 4);
    assertThat(table.liveCount()).isEqualTo(2);
    table.apply(about(other, Status.LEFT, 1), 5);
    table.reap(100, 10);
    assertThat(table.liveCount()).isEqualTo(1).isEqualTo(
        (int) table.all().stream().filter(r -> r.state.isLive()).count());
    long before = table.version();
    table.leaveLocal(200);
    assertThat(table.liveCount()).isZero();
    assertThat(table.version()).isGreaterThan(before);
  }
}
