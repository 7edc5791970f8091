package io.polis.raft;

import static io.polis.raft.RaftFixtures.command;
import static io.polis.raft.RaftFixtures.drain;
import static io.polis.raft.RaftFixtures.leaderOfThree;
import static io.polis.raft.RaftFixtures.logWithTerms;
import static io.polis.raft.RaftFixtures.member;
import static io.polis.raft.RaftFixtures.plain;
import static io.polis.raft.RaftFixtures.record;
import static io.polis.raft.RaftFixtures.sent;
import static io.polis.raft.RaftFixtures.storage;
import static io.polis.raft.RaftFixtures.terms;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.AppendResponse;
import io.polis.wire.LogEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Raft §5.3 (log replication): consistency check, conflicts, back-tracking, commit and apply. */
class RaftReplicationPaperTest {

  private static final MemberId S1 = member(1);
  private static final MemberId S2 = member(2);
  private static final MemberId S3 = member(3);

  // ------------------------------------------------------------------ §5.3 log replication

  // Raft §5.3: the leader appends the command to its log as a new entry, then sends AppendEntries to
  // every other server; once a majority stored it the entry is committed and applied everywhere.
  @Test
  void leaderReplicatesAProposalToEveryFollowerAndAllApplyIt() {
    RaftNet net = new RaftNet(3, plain(), 1);
    RaftCore leader = net.elect(0);

    net.propose(0, "x");
    net.stabilize();

    assertThat(leader.commitIndex()).isEqualTo(2);
    for (int i = 0; i < 3; i++) {
      assertThat(terms(net.core(i))).containsExactly(1L, 1L);
      assertThat(net.appliedCommands(i)).containsExactly("x");
    }
  }

  // Raft §5.3: an entry is committed once the leader has replicated it on a majority of the servers; not
  // before.
  @Test
  void leaderCommitsOnlyWhatAMajorityStores() {
    RaftNet net = new RaftNet(5, plain(), 1);
    RaftCore leader = net.elect(0);
    net.cut(S1, member(4));
    net.cut(S1, member(5));
    net.propose(0, "on three of five");
    net.stabilize();
    assertThat(leader.commitIndex()).isEqualTo(2);

    net.cut(S1, S3);
    net.propose(0, "on two of five");
    net.stabilize();

    assertThat(leader.lastIndex()).isEqualTo(3);
    assertThat(leader.commitIndex()).isEqualTo(2);
    assertThat(net.appliedCommands(0)).containsExactly("on three of five");
  }

  // Raft §5.3: the leader includes its commit index in AppendEntries (and heartbeats), so followers learn
  // which entries are committed and apply them.
  @Test
  void followersLearnTheCommitIndexFromTheLeader() {
    RaftNet net = new RaftNet(3, plain(), 1);
    net.elect(0);
    net.propose(0, "x");
    net.stabilize();
    assertThat(net.core(1).commitIndex()).isEqualTo(2);
    assertThat(net.core(2).commitIndex()).isEqualTo(2);

    // Lose the empty AppendRequests that announce the new commit index: the next heartbeat carries it.
    net.dropWhere(e -> e.out().message() instanceof AppendRequest a && a.entries().isEmpty());
    net.propose(0, "y");
    net.stabilize();
    assertThat(net.core(0).commitIndex()).isEqualTo(3);
    assertThat(net.core(1).commitIndex()).isEqualTo(2);

    net.tickAll(1);

    assertThat(net.core(1).commitIndex()).isEqualTo(3);
    assertThat(net.core(2).commitIndex()).isEqualTo(3);
    assertThat(net.appliedCommands(2)).containsExactly("x", "y");
  }

  // Raft §5.3: a follower refuses AppendEntries whose previous entry (index and term) it does not hold:
  // the consistency check.
  @Test
  void followerRefusesEntriesThatDoNotFollowAMatchingEntry() {
    InMemoryRaftStorage storage = storage(new HardState(2, null, 0), logWithTerms(1, 1));
    RaftCore follower = RaftFixtures.core(1, 3, plain(), storage);

    follower.step(S2, new AppendRequest("g", 2, 2, 2, 0, List.of(command(2, 3, "x")))); // term differs at 2
    follower.step(S2, new AppendRequest("g", 2, 5, 2, 0, List.of(command(2, 6, "y")))); // index 5 missing
    Ready ready = drain(follower, storage);

    assertThat(terms(follower)).containsExactly(1L, 1L);
    assertThat(sent(ready, AppendResponse.class)).noneMatch(AppendResponse::success)
        .extracting(AppendResponse::index).containsExactly(2L, 5L);
  }

  // Raft §5.3: when an existing entry conflicts with a new one (same index, different term) the follower
  // deletes it and all that follow, then appends the leader's entries.
  @Test
  void followerDeletesAConflictingSuffixAndTakesTheLeadersEntries() {
    InMemoryRaftStorage storage = storage(new HardState(2, null, 1), logWithTerms(1, 2, 2, 2));
    RaftCore follower = RaftFixtures.core(1, 3, plain(), storage);

    follower.step(S2, new AppendRequest("g", 3, 1, 1, 1, List.of(command(3, 2, "a"), command(3, 3, "b"))));
    Ready ready = drain(follower, storage);

    assertThat(terms(follower)).containsExactly(1L, 3L, 3L);
    assertThat(storage.lastIndex()).isEqualTo(3);
    assertThat(storage.term(2)).isEqualTo(3);
    assertThat(sent(ready, AppendResponse.class)).containsExactly(new AppendResponse("g", 3, true, 3, 0, 0));
  }

  // Raft §5.3: a follower truncates only on a conflict; an AppendEntries it already holds (a delayed
  // duplicate) leaves the entries after it in place.
  @Test
  void aDelayedDuplicateAppendDoesNotTruncateLaterEntries() {
    InMemoryRaftStorage storage = storage(new HardState(2, null, 0), logWithTerms(1, 2, 2, 2));
    RaftCore follower = RaftFixtures.core(1, 3, plain(), storage);

    follower.step(S2, new AppendRequest("g", 2, 1, 1, 0, List.of(command(2, 2, "e2@2"))));

    assertThat(terms(follower)).containsExactly(1L, 2L, 2L, 2L);
  }

  // Raft §5.3, §5.4: committed entries are durable; no AppendEntries can take them out of a log.
  @Test
  void followerNeverDeletesCommittedEntries() {
    InMemoryRaftStorage storage = storage(new HardState(2, null, 3), logWithTerms(1, 2, 2));
    RaftCore follower = RaftFixtures.core(1, 3, plain(), storage);
    assertThat(follower.commitIndex()).isEqualTo(3);

    follower.step(S2, new AppendRequest("g", 3, 1, 1, 3, List.of(command(3, 2, "a"), command(3, 3, "b"))));
    drain(follower, storage);

    assertThat(terms(follower)).containsExactly(1L, 2L, 2L);
    assertThat(storage.term(3)).isEqualTo(2);
  }

  // Raft §5.3 (Leader Append-Only): a leader never overwrites or deletes entries in its log, whatever it
  // receives while it leads.
  @Test
  void leaderNeverOverwritesItsLog() {
    InMemoryRaftStorage storage = storage(new HardState(1, null, 0), logWithTerms(1, 1));
    RaftCore leader = leaderOfThree(storage);
    List<Long> before = terms(leader);

    leader.step(S3, new AppendRequest("g", leader.term(), 1, 1, 0, List.of(command(leader.term(), 2, "forged"))));
    drain(leader, storage);

    assertThat(leader.role()).isEqualTo(RaftRole.LEADER);
    assertThat(terms(leader)).isEqualTo(before);
  }

  // Raft §5.3: after a rejection the leader retries with an earlier nextIndex; with the optimization the
  // paper sketches (the follower names the term of the conflicting entry and the first index it stores
  // for that term) a whole divergent term is skipped per round trip, not one entry.
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void followerWithALongDivergentLogCatchesUpInFewRoundTrips(boolean followerLogIsLonger) {
    RaftNet net = new RaftNet(3, plain(), 1);
    long[] leaderTerms = new long[100];
    long[] followerTerms = new long[followerLogIsLonger ? 150 : 60];
    java.util.Arrays.fill(leaderTerms, 3);
    java.util.Arrays.fill(followerTerms, 2);
    leaderTerms[0] = 1;
    followerTerms[0] = 1;
    net.start(S1, storage(new HardState(3, null, 1), logWithTerms(leaderTerms)), net.initial);
    net.start(S2, storage(new HardState(3, null, 1), logWithTerms(leaderTerms)), net.initial);
    net.start(S3, storage(new HardState(2, null, 1), logWithTerms(followerTerms)), net.initial);
    List<RaftNet.Envelope> rejections = record(net,
        e -> e.from().equals(S3) && e.out().message() instanceof AppendResponse r && !r.success());

    RaftCore leader = net.elect(0);

    assertThat(leader.role()).isEqualTo(RaftRole.LEADER);
    assertThat(terms(net.core(2))).isEqualTo(terms(leader));
    assertThat(net.core(2).commitIndex()).isEqualTo(101);
    assertThat(rejections).hasSizeLessThanOrEqualTo(2);
  }

  // Raft §5.3: the leader retries AppendEntries indefinitely, so a follower that crashed and restarted
  // (or missed messages) ends up with the leader's log.
  @Test
  void restartedFollowerCatchesUp() {
    RaftNet net = new RaftNet(3, plain(), 1);
    net.elect(0);
    net.crash(2);
    net.propose(0, "a");
    net.propose(0, "b");
    net.stabilize();

    net.restart(2);
    net.tickAll(3);

    assertThat(terms(net.core(2))).isEqualTo(terms(net.core(0)));
    assertThat(net.appliedCommands(2)).containsExactly("a", "b");
  }

  // Raft §5.3, Figure 2 (lastApplied): committed entries are applied in log order, each exactly once, on
  // every member, including across a restart (which applies again from the start: there are no
  // snapshots yet).
  @Test
  void committedEntriesAreAppliedInLogOrderExactlyOnce() {
    RaftNet net = new RaftNet(3, plain(), 1);
    net.elect(0);
    for (int i = 0; i < 20; i++) {
      net.propose(i % 3, "c" + i);
      if (i % 4 == 0) {
        net.stabilize();
      }
    }
    net.stabilize();
    net.crash(1);
    net.restart(1);
    net.tickAll(3);

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("c" + i);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(net.appliedCommands(i)).containsExactlyInAnyOrderElementsOf(expected);
      List<LogEntry> applied = net.applied.get(net.id(i));
      for (int k = 0; k < applied.size(); k++) {
        assertThat(applied.get(k).index()).isEqualTo(k + 1);
      }
    }
    assertThat(net.appliedCommands(1)).isEqualTo(net.appliedCommands(0));
  }
}
