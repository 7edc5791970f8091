package io.polis.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.polis.kv.KvStateMachine;
import io.polis.raft.FileRaftStorage;
import io.polis.raft.FileStorageConfig;
import io.polis.raft.SimulatedDisk;
import io.polis.testing.LogCapture;
import io.polis.time.Clock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
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

  private static byte[] value(int i) {
    return ("value-" + i).getBytes(StandardCharsets.UTF_8);
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
    KvOverTcp.writeKeys(leader, 0, 20, LostEntryOverTcpTest::value);
    RaftTcpCluster.Member follower = cluster.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
    KvOverTcp.assertHoldsKeys(follower, 20, LostEntryOverTcpTest::value);

    follower.kill();
    flipLastRecord(follower);
    cluster.restart(follower);

    logs.awaitWarning("may have lost acknowledged entry");
    await().atMost(Duration.ofSeconds(20)).until(() -> follower.driver().status().lostEntry() == null);
    KvOverTcp.assertHoldsKeys(follower, 20, LostEntryOverTcpTest::value);
    awaitLeader().driver().transferLeadership(follower.id()).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.agreedLeader() == follower);
    KvOverTcp.writeKeys(follower, 20, 30, LostEntryOverTcpTest::value);
    for (RaftTcpCluster.Member m : cluster.members()) {
      KvOverTcp.assertHoldsKeys(m, 30, LostEntryOverTcpTest::value);
    }
  }

  // B misses "k20"..; A and C commit them; A and C go down and C loses its last record. B and C alone must
  // not elect a leader (B lacks what C lost); once A is back, a leader with every write is elected.
  @Test
  void aMemberThatLostItsLastRecordDoesNotHelpElectALeaderWithoutIt() throws Exception {
    cluster = start();
    RaftTcpCluster.Member a = awaitLeader();
    KvOverTcp.writeKeys(a, 0, 20, LostEntryOverTcpTest::value);
    List<RaftTcpCluster.Member> others = cluster.members().stream().filter(m -> m != a).toList();
    RaftTcpCluster.Member b = others.get(0);
    RaftTcpCluster.Member c = others.get(1);
    KvOverTcp.assertHoldsKeys(b, 20, LostEntryOverTcpTest::value);
    b.kill();
    KvOverTcp.writeKeys(a, 20, 21, LostEntryOverTcpTest::value);
    KvOverTcp.assertHoldsKeys(c, 21, LostEntryOverTcpTest::value);
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
      KvOverTcp.assertHoldsKeys(m, 21, LostEntryOverTcpTest::value);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> c.driver().status().lostEntry() == null);
    KvOverTcp.writeKeys(leader, 21, 25, LostEntryOverTcpTest::value);
  }
}
