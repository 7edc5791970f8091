package io.polis.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.Address;
import io.polis.node.MemberId;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Protocol-aware recovery of an entry a member may have acknowledged and then lost (its store cut off a
 * whole but damaged last record): Raft's election restriction (§5.4.1) counts on every voter keeping what
 * it acknowledged. A member that did not keep it must vote only for logs that cannot lack the entry, and
 * not campaign, until a leader has committed the entry's index on it again (Alagappan et al., FAST '18).
 */
class LostEntryVotingTest {

  private static final int A = 0;
  private static final int B = 1;
  private static final int C = 2;

  /**
   * Entries 1..4 everywhere; entry 5 ("d") committed by A and C while B was cut off; then A is down and C
   * restarts having cut off entry 5, recorded as lost or, for the control, silently.
   */
  private static RaftNet entryCommittedByAAndCThenLostByC(boolean recorded) {
    RaftNet net = RaftNet.of(3);
    net.elect(A);
    for (String command : List.of("a", "b", "c")) {
      net.propose(A, command);
      net.stabilize();
    }
    net.isolate(B);
    net.propose(A, "d");
    net.stabilize();
    assertThat(net.core(A).commitIndex()).isEqualTo(5);
    assertThat(net.core(C).lastIndex()).isEqualTo(5);
    assertThat(net.core(B).lastIndex()).isEqualTo(4);

    net.crash(A);
    net.crash(C);
    InMemoryRaftStorage before = net.storages.get(net.id(C));
    HardState hardState = before.hardState();
    if (recorded) {
      hardState = hardState.withLostEntry(new HardState.LostEntry(5, hardState.term()));
    }
    net.storages.put(net.id(C), RaftFixtures.storage(hardState, before.entries(1, 5, Long.MAX_VALUE)));
    net.restart(C);
    net.heal();
    return net;
  }

  /** Lets B and C run their election timeouts many times over. */
  private static void runElections(RaftNet net) {
    for (int i = 0; i < 20; i++) {
      net.tickAll(RaftNet.SCRIPTED.electionTicks() * 3);
      net.stabilize();
    }
  }

  // The gap itself, so that the test below is known to guard something: with the loss unrecorded, C votes
  // for B, whose log lacks committed entry 5, and B leads without it.
  @Test
  void controlWithTheLossUnrecordedALeaderWithoutACommittedEntryIsElected() {
    RaftNet net = entryCommittedByAAndCThenLostByC(false);

    runElections(net);

    RaftCore leader = net.leader();
    assertThat(leader).isNotNull();
    assertThat(leader.id()).isEqualTo(net.id(B));
    assertThat(RaftFixtures.terms(leader)).hasSize(5); // a no-op of its own at 5: "d" is gone
    assertThat(net.appliedCommands(B)).doesNotContain("d");
  }

  // Raft §5.4.1 for a voter that lost what it acknowledged: C rejects B's log (4 entries of an old term),
  // and campaigns for nobody itself, so no leader can lose entry 5.
  @Test
  void aMemberThatLostACommittedEntryDoesNotHelpElectALeaderWithoutIt() {
    RaftNet net = entryCommittedByAAndCThenLostByC(true);

    runElections(net);

    assertThat(net.leader()).isNull();
    assertThat(net.core(C).lostEntry()).isEqualTo(new HardState.LostEntry(5, net.core(C).hardState().lostEntry().maxTerm()));
    assertThat(net.core(C).role()).isEqualTo(RaftRole.FOLLOWER);
  }

  // Once a member that holds entry 5 is back, C votes for it; the new leader commits past 5 on C, which
  // forgets the loss durably and may lead again.
  @Test
  void aMemberThatLostAnEntryVotesForALogThatHoldsItAndForgetsTheLossOnceCaughtUp() {
    RaftNet net = entryCommittedByAAndCThenLostByC(true);
    runElections(net);
    net.restart(A);

    runElections(net);

    RaftCore leader = net.leader();
    assertThat(leader).isNotNull();
    assertThat(leader.id()).isEqualTo(net.id(A));
    net.propose(A, "e");
    net.stabilize();
    net.tickAll(1);
    net.stabilize();
    assertThat(net.appliedCommands(C)).containsExactly("a", "b", "c", "d", "e");
    assertThat(net.core(C).lostEntry()).isNull();
    assertThat(net.storages.get(net.id(C)).hardState().lostEntry()).as("saved without the loss").isNull();
    assertThat(net.core(C).promotable()).isTrue();
  }

  // A snapshot from the leader that covers the lost index brings the entry back as well.
  @Test
  void aSnapshotCoveringTheLostIndexEndsTheWait() {
    RaftNet net = entryCommittedByAAndCThenLostByC(true);
    net.restart(A);
    runElections(net);
    assertThat(net.leader().id()).isEqualTo(net.id(A));
    net.propose(A, "e");
    net.stabilize();
    net.crash(C);
    net.propose(A, "f");
    net.stabilize();
    net.snapshotAndCompact(A, net.core(A).commitIndex());
    InMemoryRaftStorage saved = net.storages.get(net.id(C));
    HardState lost = saved.hardState().withLostEntry(new HardState.LostEntry(7, saved.hardState().term()));
    net.storages.put(net.id(C), RaftFixtures.storage(lost, saved.entries(1, 5, Long.MAX_VALUE)));
    net.restart(C);
    assertThat(net.core(C).lostEntry()).isNotNull();

    for (int i = 0; i < 5 && net.core(C).lostEntry() != null; i++) {
      net.tickAll(1);
      net.stabilize();
    }

    assertThat(net.snapshotsSent).isPositive();
    assertThat(net.core(C).lostEntry()).isNull();
  }

  // A group of one has nobody to recover the entry from: waiting would stop it for good, so it goes on.
  @Test
  void theOnlyVoterGoesOnWithoutTheLostEntry() {
    MemberId only = RaftFixtures.member(1);
    Configuration alone = new Configuration(Map.of(only, new Address("127.0.0.1", 9000)), Map.of());
    InMemoryRaftStorage storage = RaftFixtures.storage(new HardState(2, only, 0, new HardState.LostEntry(3, 2)),
        List.of(new io.polis.wire.LogEntry(1, 1, io.polis.wire.EntryKind.CONFIGURATION, alone.encode())));
    RaftCore core = new RaftCore(only, "g", RaftNet.SCRIPTED, storage, alone, new SplittableRandom(1));

    assertThat(core.lostEntry()).isNull();
    core.campaign();
    assertThat(core.role()).isEqualTo(RaftRole.LEADER);
  }

  // The rule itself: whatever the lost entry's term was (at most maxTerm), a log at least as up to date as
  // (maxTerm, index) holds it or supersedes it.
  @Test
  void aLostEntryIsCoveredOnlyByLogsAtLeastAsUpToDateAsItsBound() {
    HardState.LostEntry lost = new HardState.LostEntry(5, 3);

    assertThat(lost.coveredBy(5, 3)).isTrue();
    assertThat(lost.coveredBy(9, 3)).isTrue();
    assertThat(lost.coveredBy(1, 4)).isTrue();
    assertThat(lost.coveredBy(4, 3)).isFalse();
    assertThat(lost.coveredBy(100, 2)).isFalse();
  }
}
