package io.polis.raft;

import static io.polis.raft.StorageFixtures.RECORD_BYTES;
import static io.polis.raft.StorageFixtures.entries;
import static io.polis.raft.StorageFixtures.entry;
import static io.polis.raft.StorageFixtures.recordOffset;
import static io.polis.raft.StorageFixtures.segment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.node.MemberId;
import io.polis.raft.StorageFixtures.CountingSyncer;
import io.polis.raft.StorageFixtures.ManualClock;
import io.polis.testing.LogCapture;
import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link FileRaftStorage} makes at open of files a crash or a bad disk left behind. */
class FileRaftStorageRecoveryTest {

  /**
   * Files that end at their last record, so that the tests can cut and damage them at record boundaries;
   * {@link #aZeroTailWrittenAheadIsTheEndOfTheLogNotDamage} covers preallocated files.
   */
  private static final FileStorageConfig GROWING = FileStorageConfig.builder().preallocateBytes(0).build();
  private static final FileStorageConfig PREALLOCATED = FileStorageConfig.builder().preallocateBytes(1 << 20).build();
  private static final FileStorageConfig TINY_SEGMENTS = FileStorageConfig.builder().segmentBytes(100)
      .preallocateBytes(0).build();
  private static final HardState STATE = new HardState(4, new MemberId(new UUID(3, 4)), 2);

  @TempDir
  Path dir;

  private final LogCapture logs = new LogCapture();

  @AfterEach
  void stopCapture() {
    logs.close();
  }

  private FileRaftStorage open(FileStorageConfig config) {
    return FileRaftStorage.open(dir, config, new ManualClock(), new CountingSyncer());
  }

  /** Saves entries 1..{@code last} of term 1, one per save, and closes the store. */
  private void writeLog(FileStorageConfig config, long last) {
    try (FileRaftStorage storage = open(config)) {
      storage.save(STATE, List.of());
      for (long i = 1; i <= last; i++) {
        storage.save(null, List.of(entry(1, i)));
      }
    }
  }

  @Test
  void aTornWriteAtEveryByteOfTheLastRecordIsCutOffWithAWarning() throws Exception {
    writeLog(GROWING, 5);
    Path file = segment(dir, 1);
    byte[] whole = Files.readAllBytes(file);
    long lastRecord = recordOffset(1, 5);

    int cuts = 0;
    for (long cut = lastRecord + 1; cut < whole.length; cut++) {
      Files.write(file, Arrays.copyOf(whole, (int) cut));

      try (FileRaftStorage storage = open(GROWING)) {
        assertThat(storage.lastIndex()).as("cut at %d", cut).isEqualTo(4);
        assertThat(storage.entries(1, 5, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 4));
        assertThat(storage.hardState()).isEqualTo(STATE);
      }
      cuts++;
      assertThat(logs.countWarnings(file.toString(), "offset " + lastRecord)).as("cut at %d", cut).isEqualTo(cuts);
      assertThat(Files.size(file)).isEqualTo(lastRecord);
    }
    assertThat(logs.countWarnings("torn write")).isEqualTo(RECORD_BYTES - 1);
  }

  @Test
  void aLogEndingAtARecordBoundaryOpensWithoutAWarning() throws Exception {
    writeLog(GROWING, 5);
    Path file = segment(dir, 1);
    Files.write(file, Arrays.copyOf(Files.readAllBytes(file), (int) recordOffset(1, 5)));

    try (FileRaftStorage storage = open(GROWING)) {
      assertThat(storage.lastIndex()).isEqualTo(4);
    }
    assertThat(logs.warnings()).isEmpty();
  }

  @Test
  void aZeroTailWrittenAheadIsTheEndOfTheLogNotDamage() throws Exception {
    FileStorageConfig preallocated = FileStorageConfig.builder().preallocateBytes(1000).build();
    writeLog(preallocated, 5);
    Path file = segment(dir, 1);
    long fileSize = Files.size(file);
    assertThat(fileSize).isEqualTo(recordOffset(1, 2) + 1000); // extended once, by the first save

    try (FileRaftStorage storage = open(preallocated)) {
      assertThat(storage.entries(1, 6, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 5));
      storage.save(null, List.of(entry(2, 6)));
    }
    // The sixth record went into the zeros: the file did not grow, and it reads back after the next open.
    assertThat(Files.size(file)).isEqualTo(fileSize);
    try (FileRaftStorage storage = open(GROWING)) {
      assertThat(storage.lastIndex()).isEqualTo(6);
      assertThat(storage.term(6)).isEqualTo(2);
    }
    assertThat(logs.warnings()).isEmpty();
  }

  @Test
  void aTornWriteIntoTheZerosWrittenAheadIsCutOffWithAWarning() throws Exception {
    writeLog(PREALLOCATED, 5);
    Path file = segment(dir, 1);
    byte[] bytes = Files.readAllBytes(file);
    long lastRecord = recordOffset(1, 5);
    // Only the first 10 bytes of the last record reached the disk; the zeros after it did long before.
    Arrays.fill(bytes, (int) lastRecord + 10, (int) lastRecord + RECORD_BYTES, (byte) 0);
    Files.write(file, bytes);

    try (FileRaftStorage storage = open(PREALLOCATED)) {
      assertThat(storage.lastIndex()).isEqualTo(4);
      storage.save(null, List.of(entry(2, 5)));
    }
    try (FileRaftStorage storage = open(PREALLOCATED)) {
      assertThat(storage.entries(4, 6, Long.MAX_VALUE)).containsExactly(entry(1, 4), entry(2, 5));
    }
    assertThat(logs.countWarnings(file.toString(), "offset " + lastRecord, "truncating a damaged last record"))
        .isEqualTo(1);
  }

  @Test
  void aFlippedBitInTheLastRecordIsCutOff() throws Exception {
    writeLog(GROWING, 5);
    Path file = segment(dir, 1);
    flipBit(file, recordOffset(1, 5) + RECORD_BYTES - 2);

    try (FileRaftStorage storage = open(GROWING)) {
      assertThat(storage.lastIndex()).isEqualTo(4);
      storage.save(null, List.of(entry(2, 5)));
    }
    try (FileRaftStorage storage = open(GROWING)) {
      assertThat(storage.entries(4, 6, Long.MAX_VALUE)).containsExactly(entry(1, 4), entry(2, 5));
    }
    assertThat(logs.countWarnings(file.toString(), "truncating a damaged last record", "offset " + recordOffset(1, 5),
        "checksum mismatch")).isEqualTo(1);
  }

  /**
   * A crash leaves a prefix of the record being written, never a record written to its end with wrong
   * bytes: any bit flipped in a whole last record, its length included, marks the entry as possibly
   * acknowledged, durably, before it is cut off.
   */
  @Test
  void aFlippedBitAnywhereInTheLastRecordIsRecordedAsAPossiblyAcknowledgedLoss() throws Exception {
    writeLog(GROWING, 5);
    Path file = segment(dir, 1);
    Path hardState = dir.resolve(HardStateFile.FILE_NAME);
    byte[] whole = Files.readAllBytes(file);
    byte[] state = Files.readAllBytes(hardState);
    long lastRecord = recordOffset(1, 5);

    for (int at = 0; at < RECORD_BYTES; at++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] damaged = whole.clone();
        damaged[(int) lastRecord + at] ^= (byte) (1 << bit);
        Files.write(file, damaged);
        Files.write(hardState, state);

        try (FileRaftStorage storage = open(GROWING)) {
          assertThat(storage.lastIndex()).as("bit %d of byte %d", bit, at).isEqualTo(4);
          assertThat(storage.hardState()).as("bit %d of byte %d", bit, at)
              .isEqualTo(STATE.withLostEntry(new HardState.LostEntry(5, STATE.term())));
        }
        try (FileRaftStorage storage = open(GROWING)) {
          assertThat(storage.hardState().lostEntry()).as("after a second open").isNotNull();
        }
      }
    }
    assertThat(logs.countWarnings(file.toString(), "entry 5", "may have been acknowledged"))
        .isEqualTo(RECORD_BYTES * 8);
  }

  /**
   * Zeros written ahead make a write cut short look whole: the store cannot tell it from a flipped bit,
   * so with preallocation it takes the safe reading.
   */
  @Test
  void aTornWriteIntoTheZerosWrittenAheadCountsAsAPossiblyAcknowledgedLoss() throws Exception {
    writeLog(PREALLOCATED, 5);
    Path file = segment(dir, 1);
    byte[] bytes = Files.readAllBytes(file);
    Arrays.fill(bytes, (int) recordOffset(1, 5) + 10, (int) recordOffset(1, 5) + RECORD_BYTES, (byte) 0);
    Files.write(file, bytes);

    try (FileRaftStorage storage = open(PREALLOCATED)) {
      assertThat(storage.hardState().lostEntry()).isEqualTo(new HardState.LostEntry(5, STATE.term()));
    }
  }

  /** Entry 5 with data long enough that its record spans three 512-byte disk sectors. */
  private static final LogEntry LONG_ENTRY = new LogEntry(1, 5, EntryKind.COMMAND, longData());
  private static final int SECTOR = 512;
  /** Where {@link #LONG_ENTRY}'s record starts and ends, after entries 1 to 4. */
  private static final int LONG_START = (int) recordOffset(1, 5);
  private static final int LONG_END = LONG_START + LogRecordCodec.OVERHEAD + LONG_ENTRY.data().length;

  private static byte[] longData() {
    byte[] data = new byte[1_200];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) ('a' + i % 26);
    }
    return data;
  }

  /** The segment and hard-state files of a log ending in {@link #LONG_ENTRY}, as written. */
  private record Written(byte[] segment, byte[] hardState) {}

  /** Writes entries 1 to 4 and {@link #LONG_ENTRY}, and returns the files' bytes. */
  private Written writeLogEndingInALongRecord(FileStorageConfig config) throws Exception {
    writeLog(config, 4);
    try (FileRaftStorage storage = open(config)) {
      storage.save(null, List.of(LONG_ENTRY));
    }
    return new Written(Files.readAllBytes(segment(dir, 1)), Files.readAllBytes(dir.resolve(HardStateFile.FILE_NAME)));
  }

  /** Puts the segment back as {@code segment} and the hard state as written, for the next case. */
  private void restore(Written written, byte[] segment) throws Exception {
    Files.write(segment(dir, 1), segment);
    Files.write(dir.resolve(HardStateFile.FILE_NAME), written.hardState());
  }

  /**
   * The sectors a write spans reach the disk each whole or not at all, in any order: a last record with a
   * sector that holds only the zeros written ahead was cut short, never acknowledged, and is cut off without
   * being counted as a possible loss, whichever of its later sectors is missing.
   */
  @Test
  void aLastRecordWithASectorThatNeverReachedTheDiskIsATornWriteNotAPossibleLoss() throws Exception {
    Written written = writeLogEndingInALongRecord(PREALLOCATED);
    assertThat(LONG_END / SECTOR - LONG_START / SECTOR).as("sector boundaries the record crosses").isEqualTo(2);

    for (int sector = LONG_START / SECTOR + 1; sector * SECTOR < LONG_END; sector++) {
      byte[] torn = written.segment().clone();
      Arrays.fill(torn, sector * SECTOR, Math.min(LONG_END, (sector + 1) * SECTOR), (byte) 0);
      restore(written, torn);

      try (FileRaftStorage storage = open(PREALLOCATED)) {
        assertThat(storage.lastIndex()).as("sector %d missing", sector).isEqualTo(4);
        assertThat(storage.hardState()).as("sector %d missing", sector).isEqualTo(STATE);
      }
    }
    assertThat(logs.countWarnings(segment(dir, 1).toString(), "truncating a torn write", "offset " + LONG_START))
        .isEqualTo(2);
    assertThat(logs.countWarnings("may have been acknowledged")).isZero();
  }

  @Test
  void aLastRecordCutShortAtASectorOfAGrowingFileIsATornWriteToo() throws Exception {
    byte[] whole = writeLogEndingInALongRecord(GROWING).segment();
    assertThat(whole).hasSize(LONG_END);
    // The file's new size reached the disk, its last sector did not: that sector reads as zeros.
    Arrays.fill(whole, LONG_END / SECTOR * SECTOR, LONG_END, (byte) 0);
    Files.write(segment(dir, 1), whole);

    try (FileRaftStorage storage = open(GROWING)) {
      assertThat(storage.lastIndex()).isEqualTo(4);
      assertThat(storage.hardState().lostEntry()).isNull();
    }
  }

  /** A flipped bit leaves every sector with some of the record: it was written whole and may be acknowledged. */
  @Test
  void aFlippedBitInALastRecordSpanningSectorsIsStillAPossibleLoss() throws Exception {
    Written written = writeLogEndingInALongRecord(PREALLOCATED);
    int sector = LONG_START / SECTOR;
    for (int at : new int[] {LONG_START + 20, (sector + 1) * SECTOR + 100, (sector + 2) * SECTOR + 7}) {
      byte[] damaged = written.segment().clone();
      damaged[at] ^= 0x10;
      restore(written, damaged);

      try (FileRaftStorage storage = open(PREALLOCATED)) {
        assertThat(storage.lastIndex()).as("bit flipped at %d", at).isEqualTo(4);
        assertThat(storage.hardState().lostEntry()).as("bit flipped at %d", at)
            .isEqualTo(new HardState.LostEntry(5, STATE.term()));
      }
    }
  }

  @Test
  void aHardStateWrittenBeforeLostEntriesWereRecordedStillOpens() throws Exception {
    writeLog(GROWING, 2);
    java.nio.ByteBuffer old = java.nio.ByteBuffer.allocate(33).putLong(7).putLong(2).put((byte) 0);
    new MetadataFile(dir, HardStateFile.FILE_NAME, 0x50485354).write(old.array(), Syncer.FORCE);

    try (FileRaftStorage storage = open(GROWING)) {
      assertThat(storage.hardState()).isEqualTo(new HardState(7, null, 2));
    }
  }

  @Test
  void aFlippedBitInAMiddleRecordFailsTheOpenNamingFileAndOffset() throws Exception {
    writeLog(GROWING, 5);
    Path file = segment(dir, 1);
    long third = recordOffset(1, 3);
    flipBit(file, third + RECORD_BYTES - 2);

    assertThatThrownBy(() -> open(GROWING)).isInstanceOfSatisfying(CorruptLogException.class,
        e -> {
          assertThat(e.file()).isEqualTo(file);
          assertThat(e.offset()).isEqualTo(third);
        })
        .hasMessageContaining(file.toString()).hasMessageContaining("offset " + third)
        .hasMessageContaining("entry 3").hasMessageContaining("followed by intact records")
        .hasMessageContaining("cannot be trusted");
    // Nothing was cut off, and the lock was released.
    assertThat(Files.size(file)).isEqualTo(recordOffset(1, 6));
    assertThatThrownBy(() -> open(GROWING)).isInstanceOf(CorruptLogException.class);
  }

  @Test
  void aDamagedLengthFollowedByIntactRecordsFailsTheOpen() throws Exception {
    writeLog(GROWING, 5);
    Path file = segment(dir, 1);
    byte[] bytes = Files.readAllBytes(file);
    int fourth = (int) recordOffset(1, 4);
    Arrays.fill(bytes, fourth, fourth + 4, (byte) 0x7f); // a length far past the end of the file
    Files.write(file, bytes);

    assertThatThrownBy(() -> open(GROWING)).isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("offset " + fourth).hasMessageContaining("followed by intact records");
  }

  @Test
  void aTornRecordInASegmentThatIsNotTheLastFailsTheOpen() throws Exception {
    writeLog(TINY_SEGMENTS, 6); // segments starting at 1, 3 and 5
    Path middle = segment(dir, 3);
    Files.write(middle, Arrays.copyOf(Files.readAllBytes(middle), (int) recordOffset(3, 4) + 5));

    assertThatThrownBy(() -> open(TINY_SEGMENTS)).isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(middle.toString()).hasMessageContaining("offset " + recordOffset(3, 4))
        .hasMessageContaining("not the last");
  }

  @Test
  void aMissingSegmentFailsTheOpen() throws Exception {
    writeLog(TINY_SEGMENTS, 6);
    Files.delete(segment(dir, 3));

    assertThatThrownBy(() -> open(TINY_SEGMENTS)).isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(segment(dir, 5).toString()).hasMessageContaining("previous one ends at entry 2");
  }

  @Test
  void aLastSegmentCutShortWhileItWasCreatedIsDeleted() throws Exception {
    writeLog(TINY_SEGMENTS, 4);
    Path torn = segment(dir, 5);
    Files.write(torn, Arrays.copyOf(LogSegment.header(5).array(), 7));

    try (FileRaftStorage storage = open(TINY_SEGMENTS)) {
      assertThat(storage.lastIndex()).isEqualTo(4);
      storage.save(null, List.of(entry(1, 5)));
    }
    assertThat(logs.countWarnings(torn.toString(), "offset 0")).isEqualTo(1);
    try (FileRaftStorage storage = open(TINY_SEGMENTS)) {
      assertThat(storage.lastIndex()).isEqualTo(5);
    }
  }

  @Test
  void aSegmentWhoseHeaderDoesNotMatchItsNameFailsTheOpen() throws Exception {
    writeLog(TINY_SEGMENTS, 4);
    Path second = segment(dir, 3);
    byte[] bytes = Files.readAllBytes(second);
    System.arraycopy(LogSegment.header(7).array(), 0, bytes, 0, LogSegment.HEADER_BYTES);
    Files.write(second, bytes);

    assertThatThrownBy(() -> open(TINY_SEGMENTS)).isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(second.toString()).hasMessageContaining("segment header");
  }

  @Test
  void aDamagedHardStateFileFailsTheOpen() throws Exception {
    writeLog(GROWING, 2);
    Path file = dir.resolve(HardStateFile.FILE_NAME);
    flipBit(file, 20);

    assertThatThrownBy(() -> open(GROWING)).isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("checksum mismatch");
  }

  @Test
  void aMissingHardStateFileFailsTheOpenWhenTheLogHoldsEntries() throws Exception {
    writeLog(GROWING, 2);
    Files.delete(dir.resolve(HardStateFile.FILE_NAME));

    assertThatThrownBy(() -> open(GROWING)).isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("hard-state file is missing");
  }

  @Test
  void aTemporaryFileLeftByAnInterruptedWriteIsDeleted() throws Exception {
    writeLog(GROWING, 2);
    Path leftover = dir.resolve(HardStateFile.FILE_NAME + MetadataFile.TEMP_SUFFIX);
    Files.write(leftover, new byte[] {1, 2, 3});

    try (FileRaftStorage storage = open(GROWING)) {
      assertThat(storage.hardState()).isEqualTo(STATE);
    }
    assertThat(leftover).doesNotExist();
  }

  @Test
  void aDamagedCompactionMarkFailsTheOpen() throws Exception {
    try (FileRaftStorage storage = open(GROWING)) {
      storage.save(STATE, entries(1, 1, 4));
      storage.compact(2, 1);
    }
    Path mark = dir.resolve(CompactionFile.FILE_NAME);
    flipBit(mark, 14);

    assertThatThrownBy(() -> open(GROWING)).isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(mark.toString());
  }

  @Test
  void aSegmentThatACrashKeptFromDeletionByCompactionIsDeletedAtOpen() throws Exception {
    writeLog(TINY_SEGMENTS, 6);
    byte[] first = Files.readAllBytes(segment(dir, 1));
    try (FileRaftStorage storage = open(TINY_SEGMENTS)) {
      storage.compact(4, 1);
    }
    Files.write(segment(dir, 1), first); // as if the crash came between the mark and the deletion

    try (FileRaftStorage storage = open(TINY_SEGMENTS)) {
      assertThat(storage.firstIndex()).isEqualTo(5);
      assertThat(storage.term(4)).isEqualTo(1);
      assertThat(storage.entries(5, 7, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 5, 6));
    }
    assertThat(segment(dir, 1)).doesNotExist();
  }

  private static void flipBit(Path file, long offset) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= 0x10;
    Files.write(file, bytes);
  }
}
