package io.polis.raft;

import static io.polis.raft.RaftFixtures.command;
import static io.polis.raft.RaftFixtures.drain;
import static io.polis.raft.RaftFixtures.logWithTerms;
import static io.polis.raft.RaftFixtures.member;
import static io.polis.raft.RaftFixtures.plain;
import static io.polis.raft.RaftFixtures.storage;
import static io.polis.raft.RaftFixtures.terms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.AppendResponse;
import io.polis.wire.EntryKind;
import io.polis.wire.ForwardedProposal;
import io.polis.wire.LogEntry;
import io.polis.wire.RaftHeartbeat;
import io.polis.wire.RaftHeartbeatResponse;
import io.polis.wire.RaftMessage;
import io.polis.wire.ReadIndexRequest;
import io.polis.wire.ReadIndexResponse;
import io.polis.wire.TimeoutNow;
import io.polis.wire.VoteRequest;
import io.polis.wire.VoteResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What peers send is input: messages that are misrouted, stale, out of range or simply wrong must not
 * throw out of {@link RaftCore#step}, and must not leave the core in a state from which an ordinary run
 * goes wrong.
 */
class RaftInputValidationTest {

  private static final int E = RaftNet.SCRIPTED.electionTicks();
  private static final MemberId S1 = member(1);
  private static final MemberId S2 = member(2);
  private static final MemberId S3 = member(3);
  private static final MemberId STRANGER = member(9);

  @Test
  void messagesForAnotherGroupAreDropped() {
    RaftNet net = runningGroup();
    RaftCore follower = net.core(1);
    long term = follower.term();

    stepQuietly(follower, S1, new AppendRequest("other", term + 1, 2, 1, 2, List.of(command(term + 1, 3, "x"))));
    stepQuietly(follower, S3, new VoteRequest("other", term + 1, 99, term, false, false));

    assertThat(follower.term()).isEqualTo(term);
    assertThat(follower.lastIndex()).isEqualTo(2);
    assertStillWorks(net);
  }

  @Test
  void timeoutNowFromAMemberThatDoesNotLeadIsIgnored() {
    // A TimeoutNow campaign overrides the others' lease, so only the leader may send one.
    RaftNet net = runningGroup();
    RaftCore follower = net.core(1);
    long term = follower.term();

    stepQuietly(follower, S3, new TimeoutNow("g", term));
    net.flushReady();

    assertThat(follower.role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(follower.term()).isEqualTo(term);
    assertThat(net.core(0).role()).isEqualTo(RaftRole.LEADER);
    assertStillWorks(net);
  }

  @Test
  void messagesClaimingToComeFromTheReceiverAreDropped() {
    RaftNet net = runningGroup();
    RaftCore follower = net.core(1);
    long term = follower.term();

    stepQuietly(follower, S2, new AppendRequest("g", term + 1, 2, 1, 2, List.of(command(term + 1, 3, "x"))));
    stepQuietly(follower, S2, new TimeoutNow("g", term));
    stepQuietly(net.core(0), S1, new AppendResponse("g", term, true, 2, 0, 0));

    assertThat(follower.term()).isEqualTo(term);
    assertThat(follower.role()).isEqualTo(RaftRole.FOLLOWER);
    assertThat(follower.lastIndex()).isEqualTo(2);
    assertStillWorks(net);
  }

  @ParameterizedTest
  @ValueSource(longs = {Long.MAX_VALUE, Long.MAX_VALUE - 1, RaftCore.MAX_TERM + 1})
  void messagesWithATermOutOfRangeAreDropped(long hostileTerm) {
    // A term just below Long.MAX_VALUE, if taken, would make the next campaign overflow.
    RaftNet net = runningGroup();
    long term = net.core(0).term();

    for (int i = 0; i < 3; i++) {
      RaftCore core = net.core(i);
      MemberId from = net.id((i + 1) % 3);
      stepQuietly(core, from, new AppendRequest("g", hostileTerm, 2, 1, 2, List.of()));
      stepQuietly(core, from, new RaftHeartbeat("g", hostileTerm, 2, 1));
      stepQuietly(core, from, new VoteRequest("g", hostileTerm, 99, 99, false, false));
      stepQuietly(core, from, new VoteRequest("g", hostileTerm, 99, 99, true, true));
      stepQuietly(core, from, new AppendResponse("g", hostileTerm, false, 0, 0, 0));
      assertThat(core.term()).isEqualTo(term);
    }
    assertThat(net.core(0).role()).isEqualTo(RaftRole.LEADER);
    assertStillWorks(net);
  }

  @Test
  void appendWithEntriesOfATermAboveTheLeadersIsDropped() {
    RaftNet net = runningGroup();
    RaftCore follower = net.core(1);
    long term = follower.term();

    stepQuietly(follower, S1, new AppendRequest("g", term, 2, 1, 2, List.of(command(term + 3, 3, "from the future"))));
    stepQuietly(follower, S1, new AppendRequest("g", term, 2, 1, 2, List.of(command(term, 3, "a"),
        command(term - 1, 4, "term going backwards"))));
    net.flushReady();

    assertThat(follower.lastIndex()).isEqualTo(2);
    assertThat(net.storages.get(S2).lastIndex()).isEqualTo(2);
    assertStillWorks(net);
  }

  @Test
  void appendResponseClaimingAnIndexBeyondTheLeadersLogIsIgnored() {
    RaftNet net = runningGroup();
    RaftCore leader = net.core(0);
    long term = leader.term();
    net.crash(2);
    leader.propose(List.of(bytes("needs S2 or S3")));
    net.flushReady();

    stepQuietly(leader, S3, new AppendResponse("g", term, true, 1_000, 0, 0));
    stepQuietly(leader, S3, new AppendResponse("g", term, false, 1_000, 1_000, 1_000));
    stepQuietly(leader, S3, new AppendResponse("g", term, false, Long.MAX_VALUE - 1, Long.MAX_VALUE - 1, 0));

    assertThat(leader.role()).isEqualTo(RaftRole.LEADER);
    assertThat(leader.commitIndex()).isEqualTo(2);
    net.restart(2);
    assertStillWorks(net);
  }

  // A rejection at an index the follower acknowledged says it lost entries (see LostEntriesTest): the
  // leader lowers its match index once and probes below. Repeating it must not make the leader ping-pong
  // with such a follower as fast as the network allows: it no longer answers the probe out now.
  @Test
  void rejectionAtAnAcknowledgedIndexIsAnsweredOnceNotOverAndOver() {
    RaftNet net = runningGroup();
    RaftCore leader = net.core(0);
    long term = leader.term();
    net.crash(2);
    stepQuietly(leader, S3, new AppendResponse("g", term, false, 3, 2, 1)); // S3 acknowledged 2: probe from 3
    net.flushReady();
    assertThat(net.inFlight).filteredOn(e -> e.out().to().equals(S3)).singleElement()
        .satisfies(e -> assertThat(((AppendRequest) e.out().message()).prevIndex()).isEqualTo(2));
    net.inFlight.clear();

    stepQuietly(leader, S3, new AppendResponse("g", term, false, 2, 1, 1));
    net.flushReady();
    assertThat(net.inFlight).filteredOn(e -> e.out().to().equals(S3)).singleElement()
        .satisfies(e -> assertThat(((AppendRequest) e.out().message()).prevIndex()).isEqualTo(1));
    net.inFlight.clear();

    stepQuietly(leader, S3, new AppendResponse("g", term, false, 2, 1, 1));
    net.flushReady();

    assertThat(net.inFlight).noneMatch(e -> e.out().to().equals(S3));
    assertThat(leader.commitIndex()).isEqualTo(2);
    net.restart(2);
    assertStillWorks(net);
  }

  @Test
  void responsesAndRequestsFromNonMembersAreIgnored() {
    RaftNet net = runningGroup();
    RaftCore leader = net.core(0);
    long term = leader.term();
    net.crash(1);
    net.crash(2);
    leader.propose(List.of(bytes("needs a voter")));
    net.flushReady();
    long last = leader.lastIndex();

    stepQuietly(leader, STRANGER, new AppendResponse("g", term, true, last, 0, 0));
    stepQuietly(leader, STRANGER, new AppendResponse("g", term, false, last, 0, 0));
    stepQuietly(leader, STRANGER, new RaftHeartbeatResponse("g", term, 1));
    stepQuietly(leader, STRANGER, new ForwardedProposal("g", term, List.of(bytes("stranger's"))));
    stepQuietly(leader, STRANGER, new ReadIndexRequest("g", term, 1));
    net.flushReady();

    assertThat(leader.commitIndex()).isEqualTo(2);
    assertThat(leader.lastIndex()).isEqualTo(last);
    assertThat(net.inFlight).noneMatch(e -> e.out().to().equals(STRANGER));
    net.restart(1);
    net.restart(2);
    assertStillWorks(net);
  }

  @Test
  void votesFromNonMembersDoNotElectACandidate() {
    RaftCore candidate = RaftFixtures.core(1, 5, plain(), new InMemoryRaftStorage());
    candidate.campaign();

    for (int stranger = 6; stranger <= 9; stranger++) {
      stepQuietly(candidate, member(stranger), new VoteResponse("g", candidate.term(), true, false));
    }

    assertThat(candidate.role()).isEqualTo(RaftRole.CANDIDATE);
  }

  @Test
  void heartbeatWithACommitIndexBeyondTheLogCommitsNoFurtherThanTheLog() {
    InMemoryRaftStorage storage = storage(new HardState(1, null, 0), logWithTerms(1, 1));
    RaftCore follower = RaftFixtures.core(2, 3, plain(), storage);

    stepQuietly(follower, S1, new RaftHeartbeat("g", 1, 1_000, 1));
    stepQuietly(follower, S1, new AppendRequest("g", 1, 2, 1, Long.MAX_VALUE - 1, List.of()));
    Ready ready = drain(follower, storage);

    assertThat(follower.commitIndex()).isEqualTo(2);
    assertThat(ready.committedEntries()).hasSize(2);
    assertThat(ready.hardState().commit()).isEqualTo(2);
  }

  @Test
  void configurationEntryWithGarbageBytesIsLoggedAndIgnored() {
    InMemoryRaftStorage storage = storage(new HardState(1, null, 0), logWithTerms(1));
    RaftCore follower = RaftFixtures.core(2, 3, plain(), storage);
    Configuration before = follower.configuration();
    byte[] garbage = new byte[64];
    new SplittableRandom(7).nextBytes(garbage);
    List<LogEntry> entries = List.of(new LogEntry(1, 2, EntryKind.CONFIGURATION, garbage),
        new LogEntry(1, 3, EntryKind.CONFIGURATION, new byte[] {0, 0, 0, 1}),
        new LogEntry(1, 4, EntryKind.CONFIGURATION, new byte[0]));

    stepQuietly(follower, S1, new AppendRequest("g", 1, 1, 1, 4, entries));
    Ready ready = drain(follower, storage);

    assertThat(follower.lastIndex()).isEqualTo(4);
    assertThat(follower.commitIndex()).isEqualTo(4);
    assertThat(ready.committedEntries()).hasSize(4);
    assertThat(follower.configuration()).isEqualTo(before);
    RaftCore restarted = RaftFixtures.core(2, 3, plain(), storage);
    assertThat(restarted.configuration()).isEqualTo(before);
  }

  @Test
  void groupRecoversFromAGarbageConfigurationEntrySentWithANewerTerm() {
    RaftNet net = runningGroup();
    long term = net.core(0).term();
    byte[] garbage = "not a configuration".getBytes(StandardCharsets.UTF_8);

    stepQuietly(net.core(2), S2, new AppendRequest("g", term + 1, 2, 1, 0,
        List.of(new LogEntry(term + 1, 3, EntryKind.CONFIGURATION, garbage))));
    net.stabilize();
    net.tickAll(5 * E);

    assertThat(net.leader()).isNotNull();
    assertStillWorks(net);
  }

  // Every kind of message, with random fields and senders (members, strangers, itself), at every member
  // of a running group and in every role: step() never throws.
  @Test
  void randomMessagesNeverThrowOutOfStep() {
    for (int seed = 1; seed <= 20; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      RaftNet net = new RaftNet(3, seed % 2 == 0 ? plain() : RaftNet.scriptedBuilder().leaseReads(3).build(), seed);
      net.tickAll(3 * E);
      for (int round = 0; round < 300; round++) {
        int i = random.nextInt(3);
        RaftCore core = net.core(i);
        MemberId from = member(1 + random.nextInt(4));
        RaftMessage message = randomMessage(random, core);
        assertThatCode(() -> core.step(from, message)).as("seed %d: %s from %s", seed, message, from)
            .doesNotThrowAnyException();
        assertThatCode(net::flushReady).doesNotThrowAnyException();
        if (random.nextInt(10) == 0) {
          assertThatCode(() -> net.tickAll(1)).doesNotThrowAnyException();
        }
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Three members with a leader (S1) and one committed command, so logs hold [1@1, 2@1]. */
  private static RaftNet runningGroup() {
    RaftNet net = new RaftNet(3, RaftNet.SCRIPTED, 1);
    net.elect(0);
    net.propose(0, "before");
    net.stabilize();
    assertThat(terms(net.core(2))).containsExactly(1L, 1L);
    return net;
  }

  private static void stepQuietly(RaftCore core, MemberId from, RaftMessage message) {
    assertThatCode(() -> core.step(from, message)).doesNotThrowAnyException();
  }

  /** An ordinary run afterwards: a leader emerges, takes a proposal and every member applies it. */
  private static void assertStillWorks(RaftNet net) {
    RaftFixtures.SafetyChecker safety = new RaftFixtures.SafetyChecker();
    net.stabilize();
    for (int t = 0; t < 10 * E && net.leader() == null; t++) {
      net.tickAll(1);
    }
    RaftCore leader = net.leader();
    assertThat(leader).isNotNull();
    net.propose(net.ids.indexOf(leader.id()), "after");
    net.tickAll(3);
    safety.check(net);
    for (int i = 0; i < net.ids.size(); i++) {
      assertThat(net.appliedCommands(i)).as("member %d applied", i + 1).endsWith("after");
      assertThat(terms(net.core(i))).isEqualTo(terms(leader));
    }
  }

  private static RaftMessage randomMessage(SplittableRandom r, RaftCore core) {
    long term = Math.max(0, core.term() + r.nextInt(-2, 3));
    long last = core.lastIndex();
    long index = pick(r, last);
    String group = r.nextInt(20) == 0 ? "other" : "g";
    return switch (r.nextInt(10)) {
      case 0 -> new VoteRequest(group, term, index, pick(r, term), r.nextBoolean(), r.nextInt(5) == 0);
      case 1 -> new VoteResponse(group, term, r.nextBoolean(), r.nextBoolean());
      case 2 -> {
        long prev = pick(r, last);
        List<LogEntry> entries = new ArrayList<>();
        long entryTerm = Math.max(pick(r, term), 0);
        for (int k = 0; prev < 1_000_000 && k < r.nextInt(4); k++) {
          EntryKind kind = EntryKind.values()[r.nextInt(3)];
          byte[] data = new byte[r.nextInt(30)];
          r.nextBytes(data);
          entries.add(new LogEntry(entryTerm, prev + 1 + k, kind, data));
        }
        yield new AppendRequest(group, term, prev, pick(r, term), pick(r, last + 3), entries);
      }
      case 3 -> new AppendResponse(group, term, r.nextBoolean(), pick(r, last + 3), pick(r, last + 3), pick(r, term));
      case 4 -> new RaftHeartbeat(group, term, pick(r, last + 3), pick(r, 5));
      case 5 -> new RaftHeartbeatResponse(group, term, pick(r, 5));
      case 6 -> new TimeoutNow(group, term);
      case 7 -> new ReadIndexRequest(group, term, pick(r, 100));
      case 8 -> new ReadIndexResponse(group, term, pick(r, 100), pick(r, last + 3));
      default -> new ForwardedProposal(group, term, List.of(new byte[] {1}));
    };
  }

  /** Mostly near {@code around}, sometimes zero or huge. */
  private static long pick(SplittableRandom r, long around) {
    return switch (r.nextInt(8)) {
      case 0 -> 0;
      case 1 -> Long.MAX_VALUE - 1;
      default -> Math.max(0, around + r.nextInt(-3, 2));
    };
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
