package io.polis.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.MemberId;
import io.polis.raft.FileStorageConfig.SyncPolicy;
import io.polis.raft.StorageFixtures.CountingSyncer;
import io.polis.raft.StorageFixtures.ManualClock;
import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link FileRaftStorage} against the reference {@link InMemoryRaftStorage}: the same random saves
 * (appends, truncations of a suffix, hard states) leave the same observable state, also across reopens.
 */
class FileRaftStoragePropertiesTest {

  /** One step of a run. */
  sealed interface Step permits Save, Reopen {}

  /**
   * A save, described relative to the log it meets so that every one is valid.
   *
   * @param back how many entries before the end the new ones start (0 appends, more truncates)
   * @param count how many entries
   * @param termBump how far the new entries' term is above the term before them
   * @param hardState 0 none, 1 a new commit index, 2 a new term without a vote, 3 a vote in the term
   * @param dataBytes each entry's data size
   */
  record Save(int back, int count, int termBump, int hardState, int dataBytes) implements Step {}

  /** Close the file store and open it again; the in-memory one keeps its contents like a disk. */
  record Reopen() implements Step {}

  private Path dir;

  // jqwik runs no JUnit Jupiter extensions, so @TempDir is not available: a directory per try instead.
  @BeforeTry
  void createDirectory() throws IOException {
    dir = Files.createTempDirectory("polis-file-raft-storage");
  }

  @AfterTry
  void deleteDirectory() throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Property(tries = 200)
  void fileStorageShowsWhatInMemoryStorageShows(@ForAll("configs") FileStorageConfig config,
      @ForAll("runs") List<Step> steps) {
    InMemoryRaftStorage memory = new InMemoryRaftStorage();
    FileRaftStorage file = open(config);
    int truncations = 0;
    try {
      for (Step step : steps) {
        if (step instanceof Save save) {
          truncations += save.back() > 0 && save.count() > 0 && memory.lastIndex() > 0 ? 1 : 0;
          apply(save, memory, file);
        } else {
          file.close();
          file = open(config);
        }
        assertSameState(file, memory);
      }
      file.close();
      file = open(config);
      assertSameState(file, memory);
    } finally {
      file.close();
    }
    Statistics.label("truncations").collect(truncations > 0);
    Statistics.label("truncations").coverage(c -> c.check(true).percentage(p -> p > 30));
  }

  private FileRaftStorage open(FileStorageConfig config) {
    return FileRaftStorage.open(dir, config, new ManualClock(), new CountingSyncer());
  }

  private static void apply(Save save, InMemoryRaftStorage memory, FileRaftStorage file) {
    long first = Math.max(1, memory.lastIndex() + 1 - save.back());
    long term = memory.term(first - 1) + save.termBump();
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < save.count(); i++) {
      long index = first + i;
      byte[] data = new byte[save.dataBytes()];
      for (int b = 0; b < data.length; b++) {
        data[b] = (byte) (index * 31 + term * 7 + b);
      }
      entries.add(new LogEntry(term, index, EntryKind.values()[(int) (index % EntryKind.values().length)], data));
    }
    HardState old = memory.hardState();
    HardState hardState = switch (save.hardState()) {
      case 1 -> new HardState(old.term(), old.votedFor(), old.commit() + 1);
      case 2 -> new HardState(old.term() + 1, null, old.commit());
      case 3 -> new HardState(old.term(), new MemberId(new UUID(old.term(), first)), old.commit());
      default -> null;
    };
    memory.save(hardState, entries);
    file.save(hardState, entries);
  }

  private static void assertSameState(FileRaftStorage file, InMemoryRaftStorage memory) {
    assertThat(file.hardState()).isEqualTo(memory.hardState());
    assertThat(file.firstIndex()).isEqualTo(memory.firstIndex());
    long last = memory.lastIndex();
    assertThat(file.lastIndex()).isEqualTo(last);
    for (long i = 0; i <= last; i++) {
      assertThat(file.term(i)).as("term(%d)", i).isEqualTo(memory.term(i));
    }
    assertThat(file.entries(1, last + 1, Long.MAX_VALUE)).isEqualTo(memory.entries(1, last + 1, Long.MAX_VALUE));
    for (long from = 1; from <= last; from += 3) {
      assertThat(file.entries(from, last + 1, 100)).isEqualTo(memory.entries(from, last + 1, 100));
    }
  }

  @Provide
  Arbitrary<FileStorageConfig> configs() {
    return Combinators.combine(
        Arbitraries.of(FileStorageConfig.MIN_SEGMENT_BYTES, 150L, 1000L, FileStorageConfig.DEFAULT_SEGMENT_BYTES),
        Arbitraries.of(SyncPolicy.class),
        Arbitraries.of(0L, 100L, FileStorageConfig.DEFAULT_CACHE_BYTES))
        .as((segment, policy, cache) -> FileStorageConfig.builder().segmentBytes(segment).syncPolicy(policy)
            .cacheBytes(cache).build());
  }

  @Provide
  Arbitrary<List<Step>> runs() {
    Arbitrary<Step> saves = Combinators.combine(
        Arbitraries.frequency(Tuple.of(3, 0), Tuple.of(2, 1), Tuple.of(1, 3), Tuple.of(1, 8)),
        Arbitraries.integers().between(0, 6),
        Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, 3),
        Arbitraries.of(0, 1, 20, 90))
        .as(Save::new);
    Arbitrary<Step> reopens = Arbitraries.just(new Reopen());
    return Arbitraries.frequencyOf(Tuple.of(8, saves), Tuple.of(1, reopens)).list().ofMinSize(1).ofMaxSize(30);
  }
}
