package io.polis.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.AppendResponse;
import io.polis.wire.EntryKind;
import io.polis.wire.InstallSnapshot;
import io.polis.wire.LogEntry;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Log compaction and InstallSnapshot in the core (Raft §7). */
class SnapshotTest {

  private static RaftNet withTenCommittedEntriesCompactedWhileMemberThreeWasDown() {
    RaftNet net = RaftNet.of(3);
    net.elect(0);
    net.crash(2);
    for (int i = 0; i < 10; i++) {
      net.propose(0, "c" + i);
    }
    net.stabilize();
    net.snapshotAndCompact(0, net.core(0).commitIndex());
    return net;
  }

  // Raft §7: "the leader must occasionally send snapshots to followers that lag behind ... when it has
  // already discarded the next log entry that it needs to send to a follower".
  @Test
  void aFollowerThatNeedsCompactedEntriesIsSentTheSnapshotThenTheEntriesAfterIt() {
    RaftNet net = withTenCommittedEntriesCompactedWhileMemberThreeWasDown();
    long snapshotIndex = net.core(0).commitIndex();

    net.restart(2);
    net.tickAll(12); // a heartbeat answer shows the leader where member 3 stands
    net.propose(0, "after");
    net.stabilize();

    assertThat(net.snapshotsSent).isEqualTo(1);
    assertThat(net.storages.get(net.id(2)).firstIndex()).isEqualTo(snapshotIndex + 1);
    assertThat(net.appliedCommands(2)).containsExactlyElementsOf(net.appliedCommands(0));
    assertThat(net.appliedCommands(2)).endsWith("c9", "after");
    assertThat(net.core(2).commitIndex()).isEqualTo(net.core(0).commitIndex());
  }

  // Raft §7: "If instead the follower receives a snapshot that describes a prefix of its log, log entries
  // covered by the snapshot are deleted but entries following the snapshot are still valid and must be
  // retained." A snapshot the log already holds only moves the commit index.
  @Test
  void aSnapshotTheLogAlreadyHoldsOnlyMovesTheCommitIndex() {
    RaftNet net = RaftNet.of(3);
    net.elect(0);
    for (int i = 0; i < 4; i++) {
      net.propose(0, "c" + i);
    }
    net.stabilize();
    RaftCore follower = net.core(1);
    long last = follower.lastIndex();
    SnapshotMeta meta = new SnapshotMeta(last, follower.termAt(last), follower.configuration());
    // Pretend the follower's commit lags (a leader's next heartbeat would carry it).
    RaftCore fresh = new RaftCore(net.id(1), "g", RaftNet.SCRIPTED, net.storages.get(net.id(1)), net.initial,
        new SplittableRandom(3));
    fresh.step(net.id(0), new AppendRequest("g", net.core(0).term(), last, follower.termAt(last), 0, List.of()));
    fresh.ready();

    boolean install = fresh.offerSnapshot(net.id(0), net.core(0).term(), meta);

    assertThat(install).isFalse();
    assertThat(fresh.commitIndex()).isEqualTo(last);
    Ready ready = fresh.ready();
    assertThat(ready.snapshot()).isNull();
    assertThat(ready.messages()).extracting(Outbound::message)
        .containsExactly(new AppendResponse("g", net.core(0).term(), true, last, 0, 0));
  }

  // A snapshot at or below the commit index tells the follower nothing: it answers with its commit index.
  @Test
  void aStaleSnapshotIsIgnoredAndAnsweredWithTheCommitIndex() {
    RaftNet net = RaftNet.of(3);
    net.elect(0);
    for (int i = 0; i < 4; i++) {
      net.propose(0, "c" + i);
    }
    net.stabilize();
    net.tickAll(12);
    RaftCore follower = net.core(1);
    long committed = follower.commitIndex();

    boolean install = follower.offerSnapshot(net.id(0), follower.term(),
        new SnapshotMeta(2, 1, follower.configuration()));

    assertThat(install).isFalse();
    assertThat(follower.ready().messages()).extracting(Outbound::message)
        .containsExactly(new AppendResponse("g", follower.term(), true, committed, 0, 0));
  }

  // Only the leader of the member's current term may replace its log.
  @Test
  void aSnapshotFromAnotherTermOrANonLeaderIsRefused() {
    RaftNet net = withTenCommittedEntriesCompactedWhileMemberThreeWasDown();
    net.restart(2);
    net.tickAll(12);
    RaftCore follower = net.core(1);
    SnapshotMeta meta = new SnapshotMeta(100, 1, follower.configuration());

    assertThat(follower.offerSnapshot(net.id(0), follower.term() - 1, meta)).isFalse();
    assertThat(follower.offerSnapshot(net.id(2), follower.term(), meta)).isFalse();
    assertThat(net.core(0).offerSnapshot(net.id(1), net.core(0).term(), meta)).as("a leader").isFalse();
    assertThat(follower.lastIndex()).isEqualTo(net.core(0).lastIndex());
  }

  // Raft §7: "If the follower's log conflicts with the snapshot, it discards its entire log".
  @Test
  void uncommittedEntriesThatContradictTheSnapshotAreDiscarded() {
    RaftNet net = RaftNet.of(3);
    net.elect(0);
    net.stabilize();
    // Member 3 hears of entries of a term-1 leader that never commit.
    RaftCore lonely = net.core(2);
    long base = lonely.lastIndex();
    lonely.step(net.id(0), new AppendRequest("g", 1, base, lonely.termAt(base), 0, List.of(
        new LogEntry(1, base + 1, EntryKind.COMMAND, new byte[] {1}),
        new LogEntry(1, base + 2, EntryKind.COMMAND, new byte[] {2}))));
    net.flushReady();
    net.inFlight.clear();
    assertThat(lonely.lastIndex()).isEqualTo(base + 2);

    MemberId leader = net.id(0);
    lonely.step(leader, new io.polis.wire.RaftHeartbeat("g", 2, 0, 0)); // a term-2 leader now
    // Its snapshot's last entry is of term 2, where this log holds term 1 entries: they never committed.
    boolean install = lonely.offerSnapshot(leader, 2, new SnapshotMeta(base + 3, 2, lonely.configuration()));

    assertThat(install).isTrue();
    Ready ready = lonely.ready();
    assertThat(ready.snapshot()).isEqualTo(new SnapshotMeta(base + 3, 2, lonely.configuration()));
    assertThat(lonely.commitIndex()).isEqualTo(base + 3);
    assertThat(lonely.lastIndex()).isEqualTo(base + 3);
    assertThat(lonely.termAt(base + 3)).isEqualTo(2);
    assertThat(lonely.termAt(base + 2)).as("gone with the log").isEqualTo(-1);
    assertThat(ready.messages()).extracting(Outbound::message)
        .contains(new AppendResponse("g", 2, true, base + 3, 0, 0));
  }

  // A transfer that fails is given up and tried again at the pace of the member's heartbeat answers.
  @Test
  void aFailedTransferIsRetriedAfterTheNextHeartbeatAnswer() {
    RaftNet net = withTenCommittedEntriesCompactedWhileMemberThreeWasDown();
    net.restart(2);
    boolean[] dropOnce = {true};
    net.dropWhere(e -> {
      if (e.out().message() instanceof InstallSnapshot && dropOnce[0]) {
        dropOnce[0] = false;
        return true;
      }
      return false;
    });

    net.tickAll(30);

    assertThat(net.snapshotsSent).isEqualTo(2);
    assertThat(net.appliedCommands(2)).containsExactlyElementsOf(net.appliedCommands(0));
  }

  // A restarted member whose state machine was restored from a snapshot starts applying after it, with
  // the snapshot's configuration, even though its log no longer holds the configuration's entry.
  @Test
  void aCoreRestartedFromASnapshotStartsAfterIt() {
    RaftNet net = RaftNet.of(3);
    net.elect(0);
    for (int i = 0; i < 5; i++) {
      net.propose(0, "c" + i);
    }
    net.stabilize();
    net.tickAll(12);
    long index = net.core(1).commitIndex();
    net.snapshotAndCompact(1, index);
    net.crash(1);

    net.restart(1);

    RaftCore restarted = net.core(1);
    assertThat(restarted.commitIndex()).isEqualTo(index);
    assertThat(restarted.configuration()).isEqualTo(net.initial);
    assertThat(restarted.ready().committedEntries()).isEmpty();
    net.propose(0, "after");
    net.stabilize();
    assertThat(net.appliedCommands(1)).containsExactlyElementsOf(net.appliedCommands(0));
  }

  // The log and the snapshot must fit: a state machine at an index the log cannot follow is refused.
  @Test
  void aCoreRefusesASnapshotItsLogCannotFollow() {
    InMemoryRaftStorage storage = new InMemoryRaftStorage();
    storage.save(null, List.of(new LogEntry(1, 1, EntryKind.NO_OP, new byte[0])));

    assertThatThrownBy(() -> new RaftCore(RaftFixtures.member(1), "g", RaftNet.SCRIPTED, storage,
        Configuration.EMPTY, new SnapshotMeta(5, 1, Configuration.EMPTY), new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the log holds [1, 1]");
  }
}
