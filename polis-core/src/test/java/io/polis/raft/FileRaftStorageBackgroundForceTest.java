package io.polis.raft;

import static io.polis.raft.StorageFixtures.entries;
import static io.polis.raft.StorageFixtures.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.polis.node.MemberId;
import io.polis.raft.FileStorageConfig.SyncPolicy;
import io.polis.raft.StorageFixtures.ManualClock;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileRaftStorage#write} and {@link FileRaftStorage#force()}: a leader's entries written on the
 * driver thread and forced on another, while the driver writes on.
 */
class FileRaftStorageBackgroundForceTest {

  private static final HardState TERM_2 = new HardState(2, new MemberId(new java.util.UUID(0, 1)), 0);

  @TempDir
  Path dir;

  private final ExecutorService forceThread = Executors.newSingleThreadExecutor();
  private FileRaftStorage storage;

  @AfterEach
  void tearDown() {
    forceThread.shutdownNow();
    if (storage != null) {
      storage.close();
    }
  }

  @Test
  void aWriteUnderSyncAlwaysOwesAForceAndMakesNone() {
    StorageFixtures.CountingSyncer syncer = new StorageFixtures.CountingSyncer();
    storage = FileRaftStorage.open(dir, FileStorageConfig.defaults(), new ManualClock(), syncer);
    int before = syncer.forces;

    assertThat(storage.write(null, entries(1, 1, 3))).isTrue();
    assertThat(syncer.forces).isEqualTo(before);
    assertThat(storage.entries(1, 4, Long.MAX_VALUE)).as("readable at once").isEqualTo(entries(1, 1, 3));

    storage.force();
    assertThat(syncer.forces).as("the segment, and the directory it was created in").isEqualTo(before + 2);
    storage.force();
    assertThat(syncer.forces).as("nothing left to force").isEqualTo(before + 2);
  }

  @Test
  void aWriteUnderSyncNeverOwesNothing() {
    storage = FileRaftStorage.open(dir, FileStorageConfig.builder().syncPolicy(SyncPolicy.NEVER).build(),
        new ManualClock(), new StorageFixtures.CountingSyncer());

    assertThat(storage.write(null, entries(1, 1, 3))).isFalse();
  }

  @Test
  void aNewTermOrVoteIsForcedByTheWriteItself() {
    StorageFixtures.CountingSyncer syncer = new StorageFixtures.CountingSyncer();
    storage = FileRaftStorage.open(dir, FileStorageConfig.defaults(), new ManualClock(), syncer);
    int before = syncer.forces;

    // Raft §5.2: a vote must be durable before the messages that depend on it, whatever the entries owe.
    storage.write(TERM_2, List.of(entry(2, 1)));

    assertThat(syncer.forces).as("the hard-state file, then its directory").isEqualTo(before + 2);
  }

  @Test
  void theDriverWritesOnWhileAForceRunsAndASaveWaitsForIt() throws Exception {
    BlockingSyncer syncer = new BlockingSyncer();
    storage = FileRaftStorage.open(dir, FileStorageConfig.defaults(), new ManualClock(), syncer);
    storage.save(null, List.of(entry(1, 1)));
    storage.write(null, entries(1, 2, 3));
    syncer.block();

    CompletableFuture<Void> force = CompletableFuture.runAsync(storage::force, forceThread);
    syncer.awaitBlocked();
    assertThat(storage.write(null, entries(1, 4, 5))).as("not held up by the force").isTrue();
    assertThat(storage.lastIndex()).isEqualTo(5);
    CompletableFuture<Void> save = CompletableFuture.runAsync(() -> storage.save(null, List.of(entry(1, 6))));
    // A save's own force waits for the running one: it must not force, cut or close a file under it.
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(() -> !save.isDone());

    syncer.release();
    force.get(5, TimeUnit.SECONDS);
    save.get(5, TimeUnit.SECONDS);
    assertThat(syncer.segmentForces.get()).as("one force held up, then the save's of 4 to 6").isEqualTo(2);
  }

  @Test
  void aForceAfterCloseIsRefused() {
    storage = FileRaftStorage.open(dir, FileStorageConfig.defaults(), new ManualClock(),
        new StorageFixtures.CountingSyncer());
    storage.write(null, entries(1, 1, 3));
    storage.close();

    assertThatThrownBy(storage::force).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aCrashBeforeTheForceLosesOnlyTheWritesItDidNotCover() {
    SimulatedDisk disk = new SimulatedDisk(new SplittableRandom(1), new SimulatedDisk.Options(false, false));
    storage = disk.open(dir, FileStorageConfig.defaults(), new ManualClock());
    storage.save(TERM_2, entries(2, 1, 2));
    storage.write(null, entries(2, 3, 4));
    storage.force();
    storage.write(null, entries(2, 5, 6)); // its force never comes

    disk.crash(storage);
    storage = disk.open(dir, FileStorageConfig.defaults(), new ManualClock());

    assertThat(storage.lastIndex()).isEqualTo(4);
    assertThat(storage.entries(1, 5, Long.MAX_VALUE)).isEqualTo(entries(2, 1, 4));
    assertThat(storage.hardState()).isEqualTo(TERM_2);
  }

  @Test
  void aWriteThatStartsASegmentFirstForcesTheLastOne() {
    // A crash may keep one file's unforced writes and lose another's: a lost tail before a kept segment
    // would be a hole in the middle of the log, which the open refuses.
    SimulatedDisk disk = new SimulatedDisk(new SplittableRandom(1), new SimulatedDisk.Options(false, false));
    FileStorageConfig tiny = FileStorageConfig.builder().segmentBytes(100).build();
    storage = disk.open(dir, tiny, new ManualClock());
    storage.write(null, entries(1, 1, 3));
    long forcesBefore = disk.forces();

    storage.write(null, entries(1, 4, 6)); // past 100 bytes: a new segment

    assertThat(disk.forces()).as("the first segment and the directory").isEqualTo(forcesBefore + 2);
    disk.crash(storage);
    storage = disk.open(dir, tiny, new ManualClock());
    assertThat(storage.lastIndex()).as("the unforced second segment is lost, the first kept whole").isEqualTo(3);
  }

  /** Once {@link #block()} is called, counts segment forces and holds them until released. */
  private static final class BlockingSyncer implements Syncer {
    final AtomicInteger segmentForces = new AtomicInteger();
    private final CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch blocked = new CountDownLatch(1);
    private volatile boolean holding;

    void block() {
      holding = true;
    }

    void awaitBlocked() throws InterruptedException {
      assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
    }

    void release() {
      gate.countDown();
    }

    @Override
    public void force(Path file, FileChannel channel, boolean metadata) {
      if (!holding || !file.getFileName().toString().endsWith(".seg")) {
        return;
      }
      segmentForces.incrementAndGet();
      blocked.countDown();
      try {
        gate.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void forceDirectory(Path directory) {
      // not held
    }
  }
}
