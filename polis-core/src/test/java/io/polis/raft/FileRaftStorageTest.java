package io.polis.raft;

import static io.polis.raft.StorageFixtures.entries;
import static io.polis.raft.StorageFixtures.entry;
import static io.polis.raft.StorageFixtures.segment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.node.MemberId;
import io.polis.raft.FileStorageConfig.SyncPolicy;
import io.polis.raft.StorageFixtures.CountingSyncer;
import io.polis.raft.StorageFixtures.ManualClock;
import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRaftStorageTest {

  private static final MemberId CANDIDATE = new MemberId(new UUID(1, 2));
  /** Small enough that a few saves of {@link StorageFixtures#entry} fill a segment. */
  private static final FileStorageConfig TINY_SEGMENTS = FileStorageConfig.builder().segmentBytes(100).build();

  @TempDir
  Path dir;

  private final CountingSyncer syncer = new CountingSyncer();
  private final ManualClock clock = new ManualClock();
  private FileRaftStorage storage;

  @AfterEach
  void closeStorage() {
    if (storage != null) {
      storage.close();
    }
  }

  private FileRaftStorage open(FileStorageConfig config) {
    storage = FileRaftStorage.open(dir, config, clock, syncer);
    return storage;
  }

  private FileRaftStorage reopen(FileStorageConfig config) {
    storage.close();
    return open(config);
  }

  @Test
  void aNewStoreIsEmpty() {
    open(FileStorageConfig.defaults());

    assertThat(storage.firstIndex()).isEqualTo(1);
    assertThat(storage.lastIndex()).isZero();
    assertThat(storage.term(0)).isZero();
    assertThat(storage.hardState()).isEqualTo(HardState.EMPTY);
    assertThat(storage.entries(1, 1, Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void savedEntriesAndHardStateAreReadBack() {
    open(FileStorageConfig.defaults());
    HardState state = new HardState(3, CANDIDATE, 2);

    storage.save(state, List.of(entry(1, 1), entry(2, 2), entry(3, 3)));

    assertThat(storage.hardState()).isEqualTo(state);
    assertThat(storage.lastIndex()).isEqualTo(3);
    assertThat(storage.term(2)).isEqualTo(2);
    assertThat(storage.entries(1, 4, Long.MAX_VALUE)).containsExactly(entry(1, 1), entry(2, 2), entry(3, 3));
  }

  @Test
  void aReopenedStoreHoldsTheSameLogAndHardStateWithRealForces() {
    // The public open, forcing for real: the one test that goes all the way to the disk.
    storage = FileRaftStorage.open(dir);
    HardState state = new HardState(2, CANDIDATE, 5);
    storage.save(state, entries(1, 1, 3));
    storage.save(null, entries(2, 4, 5));
    storage.close();

    storage = FileRaftStorage.open(dir);

    assertThat(storage.hardState()).isEqualTo(state);
    assertThat(storage.lastIndex()).isEqualTo(5);
    assertThat(storage.entries(1, 6, Long.MAX_VALUE)).containsExactlyElementsOf(
        Stream.concat(entries(1, 1, 3).stream(), entries(2, 4, 5).stream()).toList());
  }

  @Test
  void entriesAtOrBelowTheLastIndexReplaceTheSuffix() {
    // Raft §5.3: a follower drops its conflicting suffix and takes the leader's entries.
    open(FileStorageConfig.defaults());
    storage.save(null, entries(1, 1, 5));

    storage.save(null, List.of(entry(2, 3), entry(2, 4)));

    assertThat(storage.lastIndex()).isEqualTo(4);
    assertThat(storage.entries(1, 5, Long.MAX_VALUE)).containsExactly(entry(1, 1), entry(1, 2), entry(2, 3),
        entry(2, 4));
    assertThat(reopen(FileStorageConfig.defaults()).entries(1, 5, Long.MAX_VALUE))
        .containsExactly(entry(1, 1), entry(1, 2), entry(2, 3), entry(2, 4));
  }

  @Test
  void segmentsRollAtTheConfiguredSizeAndAreNamedByTheirFirstIndex() {
    open(TINY_SEGMENTS);

    for (long i = 1; i <= 6; i++) {
      storage.save(null, List.of(entry(1, i)));
    }

    // 16-byte header + 33-byte records: two records fit in 100 bytes, a third would overflow.
    assertThat(segmentFiles()).containsExactly(segment(dir, 1), segment(dir, 3), segment(dir, 5));
    assertThat(reopen(TINY_SEGMENTS).entries(1, 7, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 6));
  }

  @Test
  void aSaveGoesToOneSegmentEvenWhenItOverflowsIt() {
    open(TINY_SEGMENTS);

    storage.save(null, entries(1, 1, 10));
    storage.save(null, entries(1, 11, 12));

    assertThat(segmentFiles()).containsExactly(segment(dir, 1), segment(dir, 11));
  }

  @Test
  void truncationAcrossSegmentsDeletesTheLaterSegmentsAndSurvivesReopen() {
    open(TINY_SEGMENTS);
    for (long i = 1; i <= 8; i++) {
      storage.save(null, List.of(entry(1, i)));
    }

    storage.save(null, List.of(entry(2, 4)));

    assertThat(segmentFiles()).containsExactly(segment(dir, 1), segment(dir, 3));
    assertThat(storage.lastIndex()).isEqualTo(4);
    assertThat(storage.term(4)).isEqualTo(2);
    List<LogEntry> expected = List.of(entry(1, 1), entry(1, 2), entry(1, 3), entry(2, 4));
    assertThat(reopen(TINY_SEGMENTS).entries(1, 5, Long.MAX_VALUE)).containsExactlyElementsOf(expected);
  }

  @Test
  void configurationEntriesAreFoundThroughTruncationReopenAndCompaction() {
    // The core reads only these at start; the store must know them without reading the log.
    open(TINY_SEGMENTS);
    for (long i = 1; i <= 8; i++) {
      storage.save(null, List.of(i % 3 == 0 ? configuration(1, i) : entry(1, i)));
    }
    assertThat(storage.configurationEntries()).containsExactly(configuration(1, 3), configuration(1, 6));

    storage.save(null, List.of(entry(2, 5)));
    assertThat(storage.configurationEntries()).containsExactly(configuration(1, 3));

    storage.save(null, List.of(configuration(2, 6)));
    assertThat(reopen(TINY_SEGMENTS).configurationEntries()).containsExactly(configuration(1, 3),
        configuration(2, 6));

    storage.compact(4, 1);
    assertThat(storage.configurationEntries()).containsExactly(configuration(2, 6));
  }

  private static LogEntry configuration(long term, long index) {
    return new LogEntry(term, index, EntryKind.CONFIGURATION, ("config " + index).getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void truncationToTheFirstEntryOfASegmentKeepsItEmptyForTheNewEntries() {
    open(TINY_SEGMENTS);
    for (long i = 1; i <= 4; i++) {
      storage.save(null, List.of(entry(1, i)));
    }

    storage.save(null, List.of(entry(3, 3)));

    assertThat(segmentFiles()).containsExactly(segment(dir, 1), segment(dir, 3));
    assertThat(reopen(TINY_SEGMENTS).entries(1, 4, Long.MAX_VALUE)).containsExactly(entry(1, 1), entry(1, 2),
        entry(3, 3));
  }

  @Test
  void entriesStopAtMaxBytesButReturnAtLeastOne() {
    open(FileStorageConfig.builder().cacheBytes(0).build());
    storage.save(null, entries(1, 1, 5));
    long one = entry(1, 1).sizeInBytes();

    assertThat(storage.entries(1, 6, 2 * one)).containsExactly(entry(1, 1), entry(1, 2));
    assertThat(storage.entries(2, 6, 1)).containsExactly(entry(1, 2));
  }

  @Test
  void cachedAndUncachedReadsAgree() {
    // 3 entries' worth of cache: reads of 1..5 come partly from the file, partly from memory.
    open(FileStorageConfig.builder().cacheBytes(3 * entry(1, 1).sizeInBytes()).build());
    storage.save(null, entries(1, 1, 5));

    assertThat(storage.entries(1, 6, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 5));
    assertThat(storage.entries(4, 6, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 4, 5));
  }

  @Test
  void readsOutsideTheLogThrowIndexOutOfBounds() {
    open(FileStorageConfig.defaults());
    storage.save(null, entries(1, 1, 3));

    assertThatThrownBy(() -> storage.term(4)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> storage.term(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> storage.entries(0, 2, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> storage.entries(2, 5, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void entriesThatWouldLeaveAGapOrAreNotConsecutiveAreRejected() {
    open(FileStorageConfig.defaults());
    storage.save(null, entries(1, 1, 3));

    assertThatThrownBy(() -> storage.save(null, List.of(entry(1, 5)))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gap");
    assertThatThrownBy(() -> storage.save(null, List.of(entry(1, 4), entry(1, 6))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not consecutive");
    assertThat(storage.lastIndex()).isEqualTo(3);
  }

  @Test
  void aSaveOfAThousandEntriesForcesOnce() {
    open(FileStorageConfig.defaults());
    storage.save(null, List.of(entry(1, 1))); // creates the segment: a force of the file and the directory
    int before = syncer.forces;

    storage.save(null, entries(1, 2, 1001));

    assertThat(syncer.forces - before).isEqualTo(1);
    assertThat(storage.lastIndex()).isEqualTo(1001);
  }

  @Test
  void intervalPolicyForcesOnlyOnceTheIntervalHasPassed() {
    open(FileStorageConfig.builder().syncPolicy(SyncPolicy.INTERVAL).syncInterval(Duration.ofMillis(10)).build());
    storage.save(null, List.of(entry(1, 1)));
    clock.nanos += Duration.ofMillis(10).toNanos();
    storage.save(null, List.of(entry(1, 2)));
    int before = syncer.forces;

    clock.nanos += Duration.ofMillis(9).toNanos();
    storage.save(null, List.of(entry(1, 3)));
    assertThat(syncer.forces).isEqualTo(before);

    clock.nanos += Duration.ofMillis(1).toNanos();
    storage.save(null, List.of(entry(1, 4)));
    assertThat(syncer.forces).isEqualTo(before + 1);

    storage.save(null, List.of(entry(1, 5)));
    storage.sync();
    assertThat(syncer.forces).isEqualTo(before + 2);
  }

  @Test
  void theDriversTickForcesTheLastWritesBeforeAQuietSpellOnceTheIntervalHasPassed() {
    open(FileStorageConfig.builder().syncPolicy(SyncPolicy.INTERVAL).syncInterval(Duration.ofMillis(10)).build());
    storage.save(null, List.of(entry(1, 1)));
    clock.nanos += Duration.ofMillis(10).toNanos();
    storage.save(null, List.of(entry(1, 2)));
    int before = syncer.forces;
    storage.save(null, List.of(entry(1, 3))); // within the interval: not forced

    storage.syncDue();
    assertThat(syncer.forces).as("nothing is due yet").isEqualTo(before);

    clock.nanos += Duration.ofMillis(10).toNanos();
    storage.syncDue();
    assertThat(syncer.forces).as("entry 3 is forced by the tick, no save needed").isEqualTo(before + 1);
    storage.syncDue();
    assertThat(syncer.forces).as("nothing left unsynced").isEqualTo(before + 1);
  }

  @Test
  void neverPolicyForcesNoEntriesButStillForcesANewTermOrVote() {
    open(FileStorageConfig.builder().syncPolicy(SyncPolicy.NEVER).build());
    storage.save(null, List.of(entry(1, 1)));
    int before = syncer.forces;

    storage.save(null, entries(1, 2, 10));
    assertThat(syncer.forces).isEqualTo(before);

    // Raft §5.2: a vote forgotten in a crash could let this member vote twice in term 2.
    storage.save(new HardState(2, CANDIDATE, 0), List.of());
    assertThat(syncer.forces).isEqualTo(before + 2); // the new file, then the directory after the rename
  }

  @Test
  void aCommitOnlyChangeIsWrittenLaterButSurvivesClose() {
    open(FileStorageConfig.defaults());
    storage.save(new HardState(1, CANDIDATE, 0), entries(1, 1, 3));
    int before = syncer.forces;

    storage.save(new HardState(1, CANDIDATE, 3), List.of());

    assertThat(syncer.forces).isEqualTo(before);
    assertThat(storage.hardState().commit()).isEqualTo(3);
    assertThat(reopen(FileStorageConfig.defaults()).hardState()).isEqualTo(new HardState(1, CANDIDATE, 3));
  }

  @Test
  void aCommitOnlyChangeIsWrittenOnceTheIntervalHasPassed() {
    open(FileStorageConfig.defaults());
    storage.save(new HardState(1, CANDIDATE, 0), entries(1, 1, 3));
    storage.save(new HardState(1, CANDIDATE, 2), List.of());
    int before = syncer.forces;

    clock.nanos += FileStorageConfig.DEFAULT_SYNC_INTERVAL.toNanos();
    storage.save(new HardState(1, CANDIDATE, 3), List.of());
    assertThat(syncer.forces).as("not yet: commit-only changes wait longer than the sync interval")
        .isEqualTo(before);

    clock.nanos += Durability.COMMIT_WRITE_INTERVAL;
    storage.save(new HardState(1, CANDIDATE, 4), List.of());
    assertThat(syncer.forces).isEqualTo(before + 2);
  }

  @Test
  void aSecondOpenOfTheSameDirectoryFailsNamingIt() throws Exception {
    open(FileStorageConfig.defaults());
    Path alias = Files.createSymbolicLink(dir.resolve("alias"), dir);
    storage.save(null, entries(1, 1, 2));

    assertThatThrownBy(() -> FileRaftStorage.open(dir, FileStorageConfig.defaults(), clock, syncer))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining(dir.toString())
        .hasMessageContaining("already in use");
    assertThatThrownBy(() -> FileRaftStorage.open(alias, FileStorageConfig.defaults(), clock, syncer))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining(alias.toString())
        .hasMessageContaining("already in use");
    // The failed attempts left the first store undisturbed.
    assertThat(storage.entries(1, 3, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 2));

    assertThat(reopen(FileStorageConfig.defaults()).lastIndex()).isEqualTo(2);
  }

  @Test
  void compactionDeletesWholeSegmentsAndSurvivesReopen() {
    open(TINY_SEGMENTS);
    for (long i = 1; i <= 6; i++) {
      storage.save(null, List.of(entry(i, i)));
    }

    storage.compact(3, 3);

    assertThat(segmentFiles()).containsExactly(segment(dir, 3), segment(dir, 5));
    assertCompactedUpTo3(storage);
    assertCompactedUpTo3(reopen(TINY_SEGMENTS));
  }

  private static void assertCompactedUpTo3(FileRaftStorage s) {
    assertThat(s.firstIndex()).isEqualTo(4);
    assertThat(s.term(3)).isEqualTo(3);
    assertThat(s.lastIndex()).isEqualTo(6);
    assertThat(s.entries(4, 7, Long.MAX_VALUE)).containsExactly(entry(4, 4), entry(5, 5), entry(6, 6));
    assertThatThrownBy(() -> s.entries(3, 4, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> s.term(2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void installingASnapshotPastTheLastEntryEmptiesTheLogAndAppendsContinueAfterIt() {
    // Raft §7: a leader's snapshot that is ahead of this member's whole log.
    open(TINY_SEGMENTS);
    storage.save(null, entries(1, 1, 4));
    assertThatThrownBy(() -> storage.compact(10, 7)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the log ends at 4");

    storage.installSnapshot(10, 7);
    assertThat(segmentFiles()).isEmpty();
    assertThat(storage.firstIndex()).isEqualTo(11);
    assertThat(storage.lastIndex()).isEqualTo(10);
    assertThat(storage.term(10)).isEqualTo(7);

    storage.save(null, entries(7, 11, 12));
    reopen(TINY_SEGMENTS);
    assertThat(storage.term(10)).isEqualTo(7);
    assertThat(storage.entries(11, 13, Long.MAX_VALUE)).containsExactlyElementsOf(entries(7, 11, 12));
  }

  @Test
  void installingASnapshotTheLogContradictsDiscardsTheWholeLogAlsoAfterAReopen() {
    // Raft §7: entries that disagree with a committed snapshot were never committed.
    open(TINY_SEGMENTS);
    storage.save(null, entries(2, 1, 8));

    storage.installSnapshot(5, 3);
    assertThat(storage.firstIndex()).isEqualTo(6);
    assertThat(storage.lastIndex()).isEqualTo(5);
    assertThat(storage.term(5)).isEqualTo(3);

    reopen(TINY_SEGMENTS);
    assertThat(storage.firstIndex()).isEqualTo(6);
    assertThat(storage.lastIndex()).isEqualTo(5);
    assertThat(storage.term(5)).isEqualTo(3);
  }

  @Test
  void installingASnapshotTheLogAgreesWithKeepsTheEntriesAfterIt() {
    // Raft §7: "If existing log entry has same index and term as snapshot's last included entry, retain
    // log entries following it".
    open(TINY_SEGMENTS);
    storage.save(null, entries(2, 1, 8));

    storage.installSnapshot(5, 2);
    assertThat(storage.firstIndex()).isEqualTo(6);
    assertThat(storage.entries(6, 9, Long.MAX_VALUE)).containsExactlyElementsOf(entries(2, 6, 8));
  }

  @Test
  void compactionRejectsAMismatchedTermAndAnIndexAlreadyCompacted() {
    open(FileStorageConfig.defaults());
    storage.save(null, entries(2, 1, 5));
    storage.compact(3, 2);

    assertThatThrownBy(() -> storage.compact(4, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("term 2");
    assertThatThrownBy(() -> storage.compact(1, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already compacted");
    assertThatThrownBy(() -> storage.save(null, List.of(entry(2, 3)))).isInstanceOf(IllegalArgumentException.class);
    storage.compact(3, 2); // the same mark again changes nothing
    assertThat(storage.firstIndex()).isEqualTo(4);
  }

  @Test
  void aRecordDamagedWhileOpenFailsTheReadAndTheStoreRefusesFurtherUse() throws Exception {
    open(FileStorageConfig.builder().cacheBytes(0).build());
    storage.save(null, entries(1, 1, 3));
    Path file = segment(dir, 1);
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) StorageFixtures.recordOffset(1, 2) + StorageFixtures.RECORD_BYTES - 1] ^= 1;
    Files.write(file, bytes);

    assertThatThrownBy(() -> storage.entries(1, 4, Long.MAX_VALUE)).isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("entry 2");
    assertThatThrownBy(() -> storage.save(null, List.of(entry(1, 4)))).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("failed earlier");
  }

  @Test
  void aClosedStoreRefusesUseAndClosingTwiceIsHarmless() {
    open(FileStorageConfig.defaults());
    storage.close();

    assertThatThrownBy(() -> storage.lastIndex()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    storage.close();
  }

  @Test
  void settingsOutOfRangeAreRejected() {
    assertThatThrownBy(() -> FileStorageConfig.builder().segmentBytes(10).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segmentBytes");
    assertThatThrownBy(() -> FileStorageConfig.builder().syncInterval(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("syncInterval");
    assertThatThrownBy(() -> FileStorageConfig.builder().cacheBytes(-1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cacheBytes");
  }

  private List<Path> segmentFiles() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
