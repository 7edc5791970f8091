package io.polis.runtime.process;

import static io.polis.runtime.process.RaftProcessCluster.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.polis.node.MemberId;
import io.polis.runtime.process.MemberProcess.GetResult;
import io.polis.runtime.process.MemberProcess.PutAck;
import io.polis.runtime.process.RaftProcessCluster.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Raft members in separate JVMs on the file store, killed with SIGKILL under write load. However
 * they die, no acknowledged write is lost: an entry is acknowledged only once committed, so a majority
 * has it in its log (Raft §5.3), every later leader holds it (Leader Completeness, §5.4), and a member
 * that restarts finds its log where it saved it before answering (Figure 2: "updated on stable storage
 * before responding to RPCs").
 *
 * <p>A SIGKILL ends the process, not the machine: what the member wrote is in the operating system's
 * page cache and survives, forced or not. These tests check recovery from the files and the protocol
 * around it; losing unforced writes needs a power-loss simulation, which they do not attempt.
 *
 * <p>Tagged {@code processes}: each test starts JVMs, so {@code -DexcludedGroups=processes} leaves them out.
 */
@Tag("processes")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RaftProcessKillTest {

  /** How a shell reports a process ended by signal 9. */
  private static final int KILLED_BY_SIGKILL = 128 + 9;

  /** Kept when a test fails: the members' logs ({@code member-<i>.log}) are the evidence. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private @Nullable RaftProcessCluster toClose;

  @AfterEach
  void stop() {
    if (toClose != null) {
      toClose.close();
    }
  }

  @Test
  void leaderKilledUnderLoadIsReplacedRestartsFromDiskAndNoAcknowledgedWriteIsLost() {
    RaftProcessCluster cluster = start();
    Member oldLeader = cluster.awaitAgreedLeader();
    long oldTerm = status(oldLeader).term();
    WriteLoad load = WriteLoad.start("a", cluster::running, 32);
    try {
      load.awaitAcknowledged(200);
      ProcessHandle handle = oldLeader.process().handle();
      assertThat(cluster.kill(oldLeader)).as("exit status of the killed leader").isEqualTo(KILLED_BY_SIGKILL);
      assertThat(handle.isAlive()).isFalse();

      // Raft §5.2: the followers time out, and one of them wins an election in a later term.
      Member newLeader = cluster.awaitAgreedLeader();
      assertThat(newLeader).isNotSameAs(oldLeader);
      assertThat(status(newLeader).term()).isGreaterThan(oldTerm);
      load.awaitAcknowledged(load.acknowledgedCount() + 200);

      // Same directory, same port: the member reads its log back and the leader brings it up to date.
      cluster.start(List.of(oldLeader));
      cluster.awaitCaughtUp(oldLeader, cluster.awaitAgreedLeader());
      load.awaitAcknowledged(load.acknowledgedCount() + 200);
    } finally {
      load.close();
    }
    report("leader killed", load);

    cluster.awaitConverged();
    for (Member m : cluster.members()) {
      assertEveryAcknowledgedWriteIsReadable(m, load.acknowledged());
    }
  }

  @Test
  void allMembersKilledAtOnceUnderLoadRestartWithEveryAcknowledgedWrite() {
    RaftProcessCluster cluster = start();
    cluster.awaitAgreedLeader();
    WriteLoad load = WriteLoad.start("b", cluster::running, 32);
    try {
      load.awaitAcknowledged(500);
      assertThat(cluster.killAll()).as("exit statuses").containsOnly(KILLED_BY_SIGKILL);
      int acknowledgedBeforeTheCrash = load.acknowledgedCount();

      cluster.start(cluster.members());
      cluster.awaitAgreedLeader();
      load.awaitAcknowledged(acknowledgedBeforeTheCrash + 200);
    } finally {
      load.close();
    }
    report("all killed", load);

    cluster.awaitConverged();
    for (Member m : cluster.members()) {
      assertEveryAcknowledgedWriteIsReadable(m, load.acknowledged());
      // Members snapshot every 200 entries: they came back from a snapshot plus the log after it.
      assertHasSnapshot(cluster, m);
    }
  }

  private void assertHasSnapshot(RaftProcessCluster cluster, Member m) {
    Path snapshots = dir.resolve("member-" + cluster.members().indexOf(m)).resolve("snapshots");
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(snapshots)) {
      assertThat(files.map(Path::toString)).as("snapshots of %s", m).anyMatch(f -> f.endsWith(".snap"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The member comes back under a new id at its old address: membership declares the old id down as the
   * new one joins there, the member sees a formed cluster and waits to be added, and the leader's autopilot
   * removes the old identity, adds the new one as a learner and promotes it once caught up.
   */
  @Test
  void memberRestartedWithoutItsDataJoinsAsANewMemberAndCatchesUp() {
    RaftProcessCluster cluster = start();
    Member leader = cluster.awaitAgreedLeader();
    WriteLoad load = WriteLoad.start("c", () -> List.of(leader), 16);
    try {
      load.awaitAcknowledged(200);
    } finally {
      load.close();
    }
    Member follower = cluster.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
    MemberId oldId = follower.id();
    cluster.kill(follower);
    cluster.wipe(follower);
    cluster.start(List.of(follower));
    // ARCHITECTURE.md, principle 4: a node that restarts without its data is a new member.
    assertThat(follower.id()).isNotEqualTo(oldId);

    cluster.awaitCaughtUp(follower, leader);
    assertEveryAcknowledgedWriteIsReadable(follower, load.acknowledged());
    // The leader had compacted its log past the first entries, so the new member was sent a snapshot.
    assertHasSnapshot(cluster, follower);
    // The new id votes in the old one's place: the group survives another failure again.
    await("the new id replaces the old one among the voters").atMost(RaftProcessCluster.SETTLE_TIMEOUT)
        .pollInterval(Duration.ofMillis(100)).until(() -> {
          Set<MemberId> voters = status(cluster.awaitAgreedLeader()).voters();
          return voters.size() == 3 && voters.contains(follower.id()) && !voters.contains(oldId);
        });
  }

  private RaftProcessCluster start() {
    System.out.println("members' data and logs: " + dir);
    toClose = RaftProcessCluster.start(dir, 3);
    return toClose;
  }

  /** Reads every key through {@code reader}, linearizably, pipelined; retries only reads that failed. */
  private static void assertEveryAcknowledgedWriteIsReadable(Member reader, Map<String, PutAck> acknowledged) {
    Semaphore window = new Semaphore(64);
    Map<String, CompletableFuture<GetResult>> answers = new LinkedHashMap<>();
    for (String key : acknowledged.keySet()) {
      window.acquireUninterruptibly();
      CompletableFuture<GetResult> answer = reader.process().get(key);
      answer.whenComplete((r, e) -> window.release());
      answers.put(key, answer);
    }
    List<String> lost = new ArrayList<>();
    List<String> duplicated = new ArrayList<>();
    answers.forEach((key, answer) -> {
      GetResult read = readWithRetries(reader, key, answer);
      PutAck ack = acknowledged.get(key);
      if (!ack.value().equals(read.value())) {
        lost.add(ack + " but " + reader + " read " + read);
      } else if (read.version() != 1) {
        duplicated.add(ack + " but " + reader + " read " + read);
      }
    });
    assertThat(lost).as("acknowledged writes that %s cannot read back", reader).isEmpty();
    assertThat(duplicated).as("writes put once but applied more than once on %s", reader).isEmpty();
    assertThat(reader.process().unexpectedLines()).as("stdout lines of %s that are no answer", reader).isEmpty();
  }

  /**
   * A read may fail while leadership settles (NotLeaderException and the like); that loses nothing, so it
   * is asked again. Only an answer counts for the verdict.
   */
  private static GetResult readWithRetries(Member reader, String key, CompletableFuture<GetResult> first) {
    CompletableFuture<GetResult> answer = first;
    for (int attempt = 1; ; attempt++) {
      try {
        return answer.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (attempt == 5) {
          throw new AssertionError(reader + " gave no answer for " + key + " in " + attempt + " attempts", e);
        }
      }
      answer = reader.process().get(key);
    }
  }

  private static void report(String scenario, WriteLoad load) {
    // Read by people tuning the test (surefire keeps it in the test's output file), not by assertions.
    System.out.printf("%s: %d puts acknowledged; failed puts by reason: %s%n", scenario, load.acknowledgedCount(),
        load.failures());
  }
}
