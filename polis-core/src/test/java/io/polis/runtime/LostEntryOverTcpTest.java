package io.polis.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.polis.KeyValueStore;
import io.polis.ReadConsistency;
import io.polis.kv.KvStateMachine;
import io.polis.kv.ReplicatedKeyValueStore;
import io.polis.raft.FileRaftStorage;
import io.polis.raft.FileStorageConfig;
import io.polis.raft.SimulatedDisk;
import io.polis.testing.LogCapture;
import io.polis.time.Clock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over real TCP on the file stores: a member whose last record had a bit flipped while it was down cuts
 * it off, records it as possibly acknowledged, and keeps out of any election that could lose it until a
 * leader has committed it there again; then it is an ordinary member, able to lead.
 */
class LostEntryOverTcpTest {

  @TempDir
  Path dir;

  private RaftTcpCluster cluster;
  private final LogCapture logs = new LogCapture();

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    logs.close();
  }

  private RaftTcpCluster start() {
    return new RaftTcpCluster(3, RaftDriverConfig.defaults(), KvStateMachine::new,
        i -> FileRaftStorage.open(raftDir(i), FileStorageConfig.defaults(), Clock.system()),
        i -> new io.polis.raft.InMemorySnapshotStore());
  }

  private Path raftDir(int i) {
    return dir.resolve("m" + i).resolve("raft");
  }

  private static KeyValueStore kv(RaftTcpCluster.Member m) {
    return new ReplicatedKeyValueStore(m.driver(), (KvStateMachine) m.stateMachine());
  }

  private static byte[] value(int i) {
    return ("value-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private static void writeKeys(RaftTcpCluster.Member via, int from, int to) throws Exception {
    KeyValueStore store = kv(via);
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = from; i < to; i++) {
      writes.add(store.put("k" + i, value(i)));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }

  private static void assertHoldsKeys(RaftTcpCluster.Member m, int count) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(((KvStateMachine) m.stateMachine()).size()).isEqualTo(count));
    for (int i = 0; i < count; i++) {
      assertThat(kv(m).get("k" + i, ReadConsistency.LOCAL).join().value()).isEqualTo(value(i));
    }
  }

  private RaftTcpCluster.Member awaitLeader() {
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.agreedLeader() != null);
    return cluster.agreedLeader();
  }

  private void flipLastRecord(RaftTcpCluster.Member m) {
    SimulatedDisk disk = new SimulatedDisk(new SplittableRandom(7), new SimulatedDisk.Options(false, false));
    assertThat(disk.flipBit(raftDir(cluster.members().indexOf(m)), true)).as("a last record to damage").isNotNull();
  }

  @Test
  void aFollowerWhoseLastRecordWasDamagedWaitsForALeaderThenLeadsAgain() throws Exception {
    cluster = start();
    RaftTcpCluster.Member leader = awaitLeader();
    writeKeys(leader, 0, 20);
    RaftTcpCluster.Member follower = cluster.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
    assertHoldsKeys(follower, 20);

    follower.kill();
    flipLastRecord(follower);
    cluster.restart(follower);

    logs.awaitWarning("may have lost acknowledged entry");
    await().atMost(Duration.ofSeconds(20)).until(() -> follower.driver().status().lostEntry() == null);
    assertHoldsKeys(follower, 20);
    awaitLeader().driver().transferLeadership(follower.id()).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.agreedLeader() == follower);
    writeKeys(follower, 20, 30);
    for (RaftTcpCluster.Member m : cluster.members()) {
      assertHoldsKeys(m, 30);
    }
  }

  // B misses "k20"..; A and C commit them; A and C go down and C loses its last record. B and C alone must
  // not elect a leader (B lacks what C lost); once A is back, a leader with every write is elected.
  @Test
  void aMemberThatLostItsLastRecordDoesNotHelpElectALeaderWithoutIt() throws Exception {
    cluster = start();
    RaftTcpCluster.Member a = awaitLeader();
    writeKeys(a, 0, 20);
    List<RaftTcpCluster.Member> others = cluster.members().stream().filter(m -> m != a).toList();
    RaftTcpCluster.Member b = others.get(0);
    RaftTcpCluster.Member c = others.get(1);
    assertHoldsKeys(b, 20);
    b.kill();
    writeKeys(a, 20, 21);
    assertHoldsKeys(c, 21);
    a.kill();
    c.kill();
    flipLastRecord(c);

    cluster.restart(b);
    cluster.restart(c);
    logs.awaitWarning("may have lost acknowledged entry");
    // Ten election timeouts and more: B campaigns again and again, and C refuses every time.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> b.driver().status().role() != io.polis.raft.RaftRole.LEADER
            && c.driver().status().role() != io.polis.raft.RaftRole.LEADER);
    assertThat(logs.lines()).anyMatch(line -> line.contains("may lack entry"));

    cluster.restart(a);
    RaftTcpCluster.Member leader = awaitLeader();
    for (RaftTcpCluster.Member m : cluster.members()) {
      assertHoldsKeys(m, 21);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> c.driver().status().lostEntry() == null);
    writeKeys(leader, 21, 25);
  }
}
