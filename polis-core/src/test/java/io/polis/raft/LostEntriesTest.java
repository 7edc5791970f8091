package io.polis.raft;

import static io.polis.raft.RaftFixtures.member;
import static io.polis.raft.RaftFixtures.terms;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.MemberId;
import io.polis.wire.AppendRequest;
import io.polis.wire.AppendResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A follower that lost entries it had acknowledged: its store cut off a last record with a flipped bit as
 * a torn write on restart, or a crash took an unforced tail. Raft §5.3 assumes acknowledged entries stay,
 * and etcd-raft ignores a rejection at or below the match index as stale; the leader must still bring
 * such a follower back without an election, and a genuinely stale rejection must still change nothing.
 */
class LostEntriesTest {

  private static final MemberId S3 = member(3);

  /** Member 1 leads a group of three; everyone holds and has committed a no-op and "a", "b", "c". */
  private static RaftNet groupWithCommittedEntries() {
    RaftNet net = RaftNet.of(3);
    net.elect(0);
    for (String command : List.of("a", "b", "c")) {
      net.propose(0, command);
      net.stabilize();
    }
    assertThat(net.core(2).lastIndex()).isEqualTo(4);
    assertThat(net.core(2).commitIndex()).isEqualTo(4);
    return net;
  }

  /** Crashes member {@code i} and restarts it on a store that kept only entries {@code 1..keep}. */
  private static void restartWithLogCutAt(RaftNet net, int i, long keep) {
    net.crash(i);
    InMemoryRaftStorage before = net.storages.get(net.id(i));
    net.storages.put(net.id(i), RaftFixtures.storage(before.hardState(), before.entries(1, keep + 1, Long.MAX_VALUE)));
    net.restart(i);
  }

  private static Progress progressOfS3(RaftCore leader) {
    return leader.tracker.progress(S3);
  }

  private static void assertNoElection(RaftNet net, RaftCore leader, long term) {
    assertThat(net.leader()).isSameAs(leader);
    for (RaftCore core : net.cores.values()) {
      assertThat(core.term()).as("term of %s", core.id().shortForm()).isEqualTo(term);
    }
  }

  // Raft §5.3: "After a rejection, the leader decrements nextIndex and retries the AppendEntries RPC."
  // Here the rejection is at S3's match index, which etcd's rule ignores; the leader must lower the match.
  @Test
  void followerThatLostAnAcknowledgedEntryIsCaughtUpWithoutAnElection() {
    RaftNet net = groupWithCommittedEntries();
    RaftCore leader = net.core(0);
    long term = leader.term();
    assertThat(progressOfS3(leader).match).isEqualTo(4);

    restartWithLogCutAt(net, 2, 3);
    net.propose(0, "d");
    net.stabilize();
    net.tickAll(1); // one heartbeat round

    assertThat(terms(net.core(2))).isEqualTo(terms(leader));
    assertThat(net.appliedCommands(2)).containsExactly("a", "b", "c", "d");
    assertThat(progressOfS3(leader).match).isEqualTo(leader.lastIndex());
    assertNoElection(net, leader, term);
  }

  // With nothing new to send, a heartbeat answer does not make the leader send: the follower itself says
  // it lacks the entry the heartbeat's commit index (capped at its match index) claims it holds.
  @Test
  void followerThatLostAnAcknowledgedEntryIsCaughtUpInAQuietGroup() {
    RaftNet net = groupWithCommittedEntries();
    RaftCore leader = net.core(0);
    long term = leader.term();

    restartWithLogCutAt(net, 2, 2);
    net.tickAll(1);

    assertThat(terms(net.core(2))).isEqualTo(terms(leader));
    assertThat(net.appliedCommands(2)).containsExactly("a", "b", "c");
    assertThat(progressOfS3(leader).match).isEqualTo(4);
    assertThat(leader.commitIndex()).isEqualTo(4);
    assertNoElection(net, leader, term);
  }

  // Raft §5.3 with a network that reorders: a rejection S3 sent while it was behind, delivered after S3
  // acknowledged more, must not move the leader's view of S3 backwards.
  @Test
  void staleRejectionDeliveredAfterTheFollowerCaughtUpIsIgnored() {
    RaftNet net = groupWithCommittedEntries();
    RaftCore leader = net.core(0);
    List<AppendResponse> rejections = rejectionsWhileCatchingUp(net);
    net.propose(0, "f");
    net.stabilize();
    long match = progressOfS3(leader).match;
    assertThat(match).isEqualTo(leader.lastIndex());

    for (AppendResponse stale : rejections) {
      leader.step(S3, stale);
    }
    net.flushReady();

    assertThat(progressOfS3(leader).match).isEqualTo(match);
    assertThat(progressOfS3(leader).state).isEqualTo(Progress.State.REPLICATE);
    assertThat(net.inFlight).noneMatch(e -> e.out().to().equals(S3));
  }

  // The one stale rejection the leader cannot tell from lost entries: the answer to the very message
  // whose successor brought S3 up to date, duplicated. It costs one probe, and nothing goes backwards that
  // matters: the commit index stays, and S3's answer to the probe restores the match index.
  @Test
  void staleRejectionOfTheLastMessageSentCostsOneProbe() {
    RaftNet net = groupWithCommittedEntries();
    RaftCore leader = net.core(0);
    long term = leader.term();
    List<AppendResponse> rejections = rejectionsWhileCatchingUp(net);
    long match = progressOfS3(leader).match;
    long commit = leader.commitIndex();
    AppendResponse atMatch = rejections.stream().filter(r -> r.index() == match).findFirst().orElseThrow();
    List<RaftNet.Envelope> probes = RaftFixtures.record(net,
        e -> e.out().to().equals(S3) && e.out().message() instanceof AppendRequest);

    leader.step(S3, atMatch);
    assertThat(progressOfS3(leader).match).isLessThan(match);
    assertThat(leader.commitIndex()).isEqualTo(commit);
    net.stabilize();

    assertThat(probes).hasSize(1);
    assertThat(progressOfS3(leader).match).isEqualTo(match);
    assertThat(leader.commitIndex()).isEqualTo(commit);
    assertNoElection(net, leader, term);
  }

  // Flow control (Progress): in REPLICATE with appends in flight beyond the match index, a rejection at
  // the match index is not an answer to the message out now, so it is stale.
  @Test
  void rejectionAtTheMatchIndexWithAppendsInFlightIsIgnored() {
    Progress p = new Progress(1, 8, Long.MAX_VALUE);
    p.maybeUpdate(4);
    p.becomeReplicate();
    p.sent(6, 100, true);

    assertThat(p.maybeDecrTo(4, 2)).isFalse();
    assertThat(p.match).isEqualTo(4);
    assertThat(p.next).isEqualTo(7);

    p.inflights.freeTo(6);
    p.maybeUpdate(6);
    assertThat(p.maybeDecrTo(6, 3)).as("nothing in flight: the member says its log ends at 3").isTrue();
    assertThat(p.match).isEqualTo(3);
    assertThat(p.next).isEqualTo(4);
    assertThat(p.state).isEqualTo(Progress.State.PROBE);
  }

  /**
   * Crashes S3, commits "d" and "e" without it, restarts it on its intact (now short) log, and lets it
   * catch up; returns the rejections it sent on the way, for the test to deliver again late.
   */
  private static List<AppendResponse> rejectionsWhileCatchingUp(RaftNet net) {
    net.crash(2);
    net.propose(0, "d");
    net.propose(0, "e");
    net.stabilize();
    net.restart(2);
    List<RaftNet.Envelope> seen = RaftFixtures.record(net,
        e -> e.from().equals(S3) && e.out().message() instanceof AppendResponse r && !r.success());
    net.tickAll(3);
    net.heal();
    assertThat(terms(net.core(2))).isEqualTo(terms(net.core(0)));
    assertThat(progressOfS3(net.core(0)).match).isEqualTo(net.core(0).lastIndex());
    assertThat(seen).isNotEmpty();
    return seen.stream().map(e -> (AppendResponse) e.out().message()).toList();
  }
}
