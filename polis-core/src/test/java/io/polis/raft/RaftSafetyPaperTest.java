package io.polis.raft;

import static io.polis.raft.RaftFixtures.drain;
import static io.polis.raft.RaftFixtures.leaderOfThree;
import static io.polis.raft.RaftFixtures.logWithTerms;
import static io.polis.raft.RaftFixtures.member;
import static io.polis.raft.RaftFixtures.plain;
import static io.polis.raft.RaftFixtures.sent;
import static io.polis.raft.RaftFixtures.storage;
import static io.polis.raft.RaftFixtures.terms;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.EntryKind;
import io.polis.wire.VoteRequest;
import io.polis.wire.VoteResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Raft §5.4 (safety): election restriction, Figure 8, and seeded faulty runs checking Figure 3. */
class RaftSafetyPaperTest {

  private static final MemberId S1 = member(1);
  private static final MemberId S2 = member(2);
  private static final MemberId S3 = member(3);

  // ------------------------------------------------------------------ §5.4 safety

  // Raft §5.4.1: a voter denies its vote if its own log is more up-to-date than the candidate's: a later
  // last term wins; with equal last terms, the longer log wins.
  @Test
  void voterDeniesACandidateWhoseLogIsLessUpToDate() {
    InMemoryRaftStorage storage = storage(new HardState(2, null, 0), logWithTerms(1, 2, 2));
    RaftCore voter = RaftFixtures.core(1, 5, plain(), storage);

    voter.step(member(2), new VoteRequest("g", 3, 10, 1, false, false)); // older last term, longer log
    voter.step(member(3), new VoteRequest("g", 3, 2, 2, false, false)); // same last term, shorter log
    Ready ready = drain(voter, storage);

    assertThat(sent(ready, VoteResponse.class)).noneMatch(VoteResponse::granted).hasSize(2);
    assertThat(voter.term()).isEqualTo(3);
    assertThat(ready.hardState().votedFor()).isNull();
  }

  // Raft §5.4.1: a candidate whose log is at least as up-to-date as the voter's gets the vote.
  @ParameterizedTest
  @ValueSource(strings = {"1@3", "3@2", "4@2"})
  void voterGrantsACandidateWhoseLogIsAtLeastAsUpToDate(String last) {
    long lastIndex = Long.parseLong(last.split("@")[0]);
    long lastTerm = Long.parseLong(last.split("@")[1]);
    InMemoryRaftStorage storage = storage(new HardState(2, null, 0), logWithTerms(1, 2, 2));
    RaftCore voter = RaftFixtures.core(1, 5, plain(), storage);

    voter.step(member(2), new VoteRequest("g", 3, lastIndex, lastTerm, false, false));

    assertThat(sent(drain(voter, storage), VoteResponse.class)).containsExactly(new VoteResponse("g", 3, true, false));
  }

  // Raft §5.4.1: a member missing a committed entry cannot be elected, because every majority it could
  // gather includes a member holding that entry.
  @Test
  void aMemberMissingACommittedEntryCannotBeElected() {
    RaftNet net = new RaftNet(5, plain(), 1);
    net.elect(0);
    net.cut(S1, member(4));
    net.cut(S1, member(5));
    net.propose(0, "committed on 1, 2, 3");
    net.stabilize();
    assertThat(net.core(0).commitIndex()).isEqualTo(2);
    net.crash(0);
    net.heal();

    for (int attempt = 0; attempt < 3; attempt++) {
      net.elect(3);
      assertThat(net.core(3).role()).isNotEqualTo(RaftRole.LEADER);
    }
    RaftCore next = campaignUntilLeader(net, 1);

    assertThat(next.termAt(2)).isEqualTo(1);
    net.tickAll(2);
    for (int i = 1; i < 5; i++) {
      assertThat(net.appliedCommands(i)).containsExactly("committed on 1, 2, 3");
    }
  }

  // Raft §5.4.2, §8: a new leader appends an entry of its own term (a no-op), through which it can learn
  // and commit what earlier leaders left.
  @Test
  void newLeaderAppendsANoOpOfItsTerm() {
    InMemoryRaftStorage storage = storage(new HardState(4, null, 0), logWithTerms(1, 2));
    RaftCore leader = leaderOfThree(storage);

    assertThat(leader.term()).isEqualTo(5);
    assertThat(terms(leader)).containsExactly(1L, 2L, 5L);
    assertThat(drain(leader, storage).entries()).singleElement()
        .satisfies(e -> assertThat(e.kind()).isEqualTo(EntryKind.NO_OP));
  }

  // Raft §5.4.2, Figure 8 (c)-(d): a leader never commits an entry of an earlier term by counting its
  // replicas. Here entry 2 of term 1 sits on a majority (S1..S4) while S1 leads term 3, yet is not
  // committed; S5 is elected next with a later last term and rightly overwrites it everywhere.
  @Test
  void entryOfAnEarlierTermIsNotCommittedByCountingReplicas() {
    RaftNet net = figure8UpToC();
    assertThat(net.core(0).commitIndex()).isEqualTo(1);

    net.crash(0);
    net.heal();
    net.restart(4);
    RaftCore s5 = campaignUntilLeader(net, 4);
    net.tickAll(2);

    assertThat(terms(s5)).startsWith(1L, 2L, 2L);
    for (int i = 1; i < 5; i++) {
      assertThat(terms(net.core(i))).isEqualTo(terms(s5));
      assertThat(net.appliedCommands(i)).containsExactly("y");
    }
  }

  // Raft §5.4.2, Figure 8 (e): once an entry of the leader's current term is stored on a majority, it
  // and every entry before it are committed, and no member lacking them can be elected afterwards.
  @Test
  void entriesOfEarlierTermsCommitOnceAnEntryOfTheCurrentTermDoes() {
    RaftNet net = figure8UpToC();
    net.heal();
    net.tickAll(1);
    assertThat(net.core(0).commitIndex()).isEqualTo(3);

    net.crash(0);
    net.restart(4);
    for (int attempt = 0; attempt < 3; attempt++) {
      net.elect(4);
      assertThat(net.core(4).role()).isNotEqualTo(RaftRole.LEADER);
    }
    campaignUntilLeader(net, 1);
    net.tickAll(2);
    for (int i = 1; i < 5; i++) {
      assertThat(net.appliedCommands(i)).containsExactly("x");
    }
  }

  // Raft §5.4.3, Figure 3: Election Safety, Log Matching, Leader Completeness and State Machine Safety
  // hold through seeded runs of crashes, restarts, partitions and message loss, with and without the
  // thesis extensions; once the faults stop, every member applies the same commands.
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void seededFaultyRunsKeepRaftsSafetyProperties(boolean extensions) {
    RaftConfig config = extensions ? RaftNet.SCRIPTED : plain();
    for (int seed = 1; seed <= 12; seed++) {
      new RaftFaultyRun(new RaftNet(5, config, seed), seed * 31L).run();
    }
  }

  // Raft §5 (assumptions): the network may delay, duplicate and reorder messages as well as lose them;
  // safety never depends on their timing or order.
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void seededRunsWithReorderedDuplicatedAndDelayedMessagesKeepRaftsSafetyProperties(boolean extensions) {
    RaftConfig config = extensions ? RaftNet.scriptedBuilder().maxInflightMessages(4).build()
        : RaftNet.scriptedBuilder().preVote(false).checkQuorum(false).maxEntriesBytesPerMessage(40).build();
    for (int seed = 1; seed <= 12; seed++) {
      new RaftFaultyRun(new RaftNet(5, config, seed), seed * 17L).chaoticNetwork().run();
    }
  }

  // ------------------------------------------------------------------ helpers

  private static RaftCore campaignUntilLeader(RaftNet net, int i) {
    for (int attempt = 0; attempt < 5 && net.core(i).role() != RaftRole.LEADER; attempt++) {
      net.elect(i);
    }
    assertThat(net.core(i).role()).isEqualTo(RaftRole.LEADER);
    return net.core(i);
  }

  /**
   * Figure 8 (a)-(c) with five members S1..S5 (indexes 0..4). Every new leader appends a no-op, so the
   * indexes shift by one from the paper's: (a) S1 leads term 1 and puts x at index 2 on S1 and S2 only;
   * (b) S1 crashes, S5 leads term 2 with votes from S3, S4, S5 and appends its no-op and y alone; (c) S5
   * crashes, S1 restarts and leads term 3; it gets 2@1 onto S3 and S4, but its no-op 3@3 onto nobody.
   */
  private static RaftNet figure8UpToC() {
    RaftNet net = new RaftNet(5, RaftNet.scriptedBuilder().preVote(false).checkQuorum(false).maxEntriesBytesPerMessage(1)
        .build(), 1);
    net.elect(0);
    for (int i = 2; i < 5; i++) {
      net.cut(S1, net.id(i));
    }
    net.propose(0, "x");
    net.stabilize();
    assertThat(terms(net.core(1))).containsExactly(1L, 1L);

    net.crash(0);
    net.heal();
    MemberId s5 = net.id(4);
    net.dropWhere(e -> e.from().equals(s5) && e.out().message() instanceof AppendRequest);
    net.elect(4);
    assertThat(net.core(4).role()).isEqualTo(RaftRole.LEADER);
    net.propose(4, "y");
    net.stabilize();
    assertThat(terms(net.core(4))).containsExactly(1L, 2L, 2L);

    net.crash(4);
    net.heal();
    net.restart(0);
    // The network loses every AppendRequest from S1 that a member could take entry 3 from.
    net.dropWhere(e -> e.from().equals(S1) && e.out().message() instanceof AppendRequest a
        && a.entries().stream().anyMatch(x -> x.index() == 3) && net.cores.get(e.out().to()).lastIndex() >= 2);
    RaftCore s1 = campaignUntilLeader(net, 0);
    assertThat(s1.term()).isEqualTo(3);
    assertThat(terms(s1)).containsExactly(1L, 1L, 3L);
    for (int i = 1; i < 4; i++) {
      assertThat(terms(net.core(i))).as("S%d", i + 1).containsExactly(1L, 1L);
    }
    return net;
  }
}
