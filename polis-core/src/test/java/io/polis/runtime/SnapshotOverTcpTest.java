package io.polis.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.polis.kv.KvStateMachine;
import io.polis.raft.FileRaftStorage;
import io.polis.raft.FileSnapshotStore;
import io.polis.raft.FileStorageConfig;
import io.polis.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots over real TCP on the file stores: a member that was down while the others compacted their
 * logs is sent a snapshot in many chunks and catches up; members restarted on their directories restore
 * their state from their own snapshots and replay only the log after them.
 */
class SnapshotOverTcpTest {

  private static final int KEYS = 400;
  /** ~100 KiB of state in 4 KiB chunks: a transfer of some 25 chunks. */
  private static final RaftDriverConfig CONFIG = RaftDriverConfig.defaults()
      .withSnapshots(SnapshotPolicy.defaults().withEvery(50, 10).withChunkBytes(4096));

  @TempDir
  Path dir;

  private RaftTcpCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private RaftTcpCluster start() {
    return new RaftTcpCluster(3, CONFIG, KvStateMachine::new,
        i -> FileRaftStorage.open(dir.resolve("m" + i).resolve("raft"), FileStorageConfig.defaults(), Clock.system()),
        i -> {
          try {
            return FileSnapshotStore.open(dir.resolve("m" + i).resolve("snapshots"));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static byte[] value(int i) {
    return ("value-" + i + "-" + "x".repeat(200)).getBytes(StandardCharsets.UTF_8);
  }

  private RaftTcpCluster.Member awaitLeader() {
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.agreedLeader() != null);
    return cluster.agreedLeader();
  }

  @Test
  void aMemberThatMissedCompactedEntriesIsSentASnapshotInChunksAndCatchesUp() throws Exception {
    cluster = start();
    RaftTcpCluster.Member leader = awaitLeader();
    RaftTcpCluster.Member lagging = cluster.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
    lagging.kill();

    KvOverTcp.writeKeys(leader, 0, KEYS, SnapshotOverTcpTest::value);
    await().atMost(Duration.ofSeconds(10)).until(() -> leader.storage().firstIndex() > 1);
    cluster.restart(lagging);

    KvOverTcp.assertHoldsKeys(lagging, KEYS, SnapshotOverTcpTest::value);
    assertThat(lagging.storage().firstIndex()).as("its log starts after the snapshot it was sent").isGreaterThan(1);
    KvOverTcp.writeKeys(awaitLeader(), KEYS, KEYS + 10, SnapshotOverTcpTest::value);
    KvOverTcp.assertHoldsKeys(lagging, KEYS + 10, SnapshotOverTcpTest::value);
  }

  @Test
  void membersRestartedOnTheirDirectoriesRestoreTheirSnapshotsAndReplayTheRest() throws Exception {
    cluster = start();
    KvOverTcp.writeKeys(awaitLeader(), 0, KEYS, SnapshotOverTcpTest::value);
    for (RaftTcpCluster.Member m : cluster.members()) {
      KvOverTcp.assertHoldsKeys(m, KEYS, SnapshotOverTcpTest::value);
      await().atMost(Duration.ofSeconds(10)).until(() -> snapshotFiles(m).count() > 0);
    }

    for (RaftTcpCluster.Member m : cluster.members()) {
      m.driver().close();
      m.kill();
    }
    for (RaftTcpCluster.Member m : cluster.members()) {
      cluster.restart(m);
    }

    for (RaftTcpCluster.Member m : cluster.members()) {
      assertThat(m.storage().firstIndex()).as("compacted log of %s", m.id().shortForm()).isGreaterThan(1);
      KvOverTcp.assertHoldsKeys(m, KEYS, SnapshotOverTcpTest::value);
    }
    KvOverTcp.writeKeys(awaitLeader(), KEYS, KEYS + 10, SnapshotOverTcpTest::value);
  }

  private Stream<Path> snapshotFiles(RaftTcpCluster.Member m) throws IOException {
    int index = cluster.members().indexOf(m);
    try (Stream<Path> files = Files.list(dir.resolve("m" + index).resolve("snapshots"))) {
      return files.filter(p -> p.toString().endsWith(".snap")).toList().stream();
    }
  }
}
