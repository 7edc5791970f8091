package io.polis.raft;

import static io.polis.raft.StorageFixtures.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.polis.node.MemberId;
import io.polis.raft.StorageFixtures.ManualClock;
import io.polis.wire.LogEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileRaftStorage} on a {@link SimulatedDisk}: what crashes and flipped bits leave of the log. */
class SimulatedDiskTest {

  private static final HardState STATE = new HardState(3, new MemberId(new UUID(1, 2)), 0);
  private static final FileStorageConfig SMALL_SEGMENTS = FileStorageConfig.builder().segmentBytes(200)
      .cacheBytes(0).build();

  @TempDir
  Path root;

  private static SimulatedDisk disk(long seed, boolean keepUnsynced, boolean tornWrites) {
    return new SimulatedDisk(new SplittableRandom(seed), new SimulatedDisk.Options(keepUnsynced, tornWrites));
  }

  /** Saves entries 1..{@code last} of term 1, a few per save. */
  private static List<LogEntry> fill(FileRaftStorage storage, int last, SplittableRandom random) {
    storage.save(STATE, List.of());
    long next = 1;
    while (next <= last) {
      long to = Math.min(last, next + random.nextInt(3));
      storage.save(null, entries(1, next, to));
      next = to + 1;
    }
    return entries(1, 1, last);
  }

  @Test
  void aCrashUnderSyncAlwaysKeepsEverySavedEntryWhateverItTears() {
    for (long seed = 1; seed <= 40; seed++) {
      Path dir = root.resolve("always-" + seed);
      SimulatedDisk disk = disk(seed, true, true);
      FileRaftStorage storage = disk.open(dir, SMALL_SEGMENTS, new ManualClock());
      List<LogEntry> saved = fill(storage, 30, new SplittableRandom(seed));
      disk.crash(storage);
      try (FileRaftStorage reopened = disk.open(dir, SMALL_SEGMENTS, new ManualClock())) {
        assertThat(reopened.hardState()).isEqualTo(STATE);
        assertThat(reopened.entries(1, 31, Long.MAX_VALUE)).as("seed %d", seed).isEqualTo(saved);
      }
    }
  }

  @Test
  void aCrashUnderSyncNeverLosesTheUnforcedEntriesButKeepsTheVote() {
    Path dir = root.resolve("never");
    SimulatedDisk disk = disk(1, false, false);
    FileStorageConfig never = FileStorageConfig.builder().syncPolicy(FileStorageConfig.SyncPolicy.NEVER).build();
    FileRaftStorage storage = disk.open(dir, never, new ManualClock());
    fill(storage, 10, new SplittableRandom(1));
    disk.crash(storage);
    try (FileRaftStorage reopened = disk.open(dir, never, new ManualClock())) {
      assertThat(reopened.lastIndex()).as("nothing was forced").isZero();
      // Raft §5.2: a vote is forced whatever the policy, or the member could vote twice in a term.
      assertThat(reopened.hardState()).isEqualTo(STATE);
    }
    assertThat(disk.droppedBytes()).isPositive();
  }

  /**
   * The CRC catches every flipped bit: the last record is cut off as a torn write, any other makes the
   * store refuse to open, naming the file and the record; no damaged entry is ever read back.
   */
  @Test
  void aFlippedBitIsNeverReadBack() {
    int cutOff = 0;
    int refused = 0;
    for (long seed = 1; seed <= 200; seed++) {
      Path dir = root.resolve("flip-" + seed);
      SimulatedDisk disk = disk(seed, false, false);
      SplittableRandom random = new SplittableRandom(seed);
      FileRaftStorage storage = disk.open(dir, SMALL_SEGMENTS, new ManualClock());
      List<LogEntry> saved = fill(storage, 1 + random.nextInt(30), random);
      disk.crash(storage);
      SimulatedDisk.Flip flip = disk.flipBit(dir, random.nextBoolean());
      if (flip == null) {
        continue; // a log of one record has nothing before its tail
      }
      if (flip.tail()) {
        try (FileRaftStorage reopened = disk.open(dir, SMALL_SEGMENTS, new ManualClock())) {
          assertThat(reopened.lastIndex()).as("seed %d", seed).isEqualTo(saved.size() - 1);
          assertThat(reopened.entries(1, saved.size(), Long.MAX_VALUE))
              .isEqualTo(saved.subList(0, saved.size() - 1));
        }
        cutOff++;
      } else {
        CorruptLogException e = catchThrowableOfType(() -> disk.open(dir, SMALL_SEGMENTS, new ManualClock()),
            CorruptLogException.class);
        assertThat(e).as("seed %d: %s", seed, flip).isNotNull();
        assertThat(e.file()).isEqualTo(flip.file());
        assertThat(e.offset()).isEqualTo(flip.recordOffset());
        refused++;
      }
    }
    assertThat(cutOff).isPositive();
    assertThat(refused).isPositive();
  }

  @Test
  void aBitFlippedUnderAnOpenStoreFailsTheReadInsteadOfReturningTheEntry() throws Exception {
    Path dir = root.resolve("open");
    SimulatedDisk disk = disk(7, false, false);
    try (FileRaftStorage storage = disk.open(dir, SMALL_SEGMENTS, new ManualClock())) {
      fill(storage, 20, new SplittableRandom(7));
      SimulatedDisk.Flip flip = disk.flipBit(dir, false);
      assertThat(flip).isNotNull();
      assertThatThrownBy(() -> storage.entries(1, 21, Long.MAX_VALUE))
          .isInstanceOf(CorruptLogException.class)
          .hasMessageContaining(flip.file().toString());
    }
    assertThat(Files.exists(dir)).isTrue();
  }
}
