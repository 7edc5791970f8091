package io.polis.benchmarks.storage;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.FileRaftStorage;
import io.polis.raft.FileStorageConfig;
import io.polis.raft.HardState;
import io.polis.raft.RaftConfig;
import io.polis.raft.RaftCore;
import io.polis.time.Clock;
import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Time to bring back a member with a large log: writes N entries into a {@link FileRaftStorage} in a
 * temporary directory, closes it, and then, several times over, measures
 *
 * <ul>
 *   <li><b>read</b>, the baseline: every segment file read front to back through a {@link FileChannel}
 *       into a 1 MiB heap buffer, the buffer size the store's recovery scan uses, and nothing else;
 *   <li><b>readAll</b>, a second baseline: {@link Files#readAllBytes} of every segment file;
 *   <li><b>open</b>: {@link FileRaftStorage#open}, which scans every record and checks its CRC32C;
 *   <li><b>core</b>: {@code new RaftCore(...)} over the opened store, which looks through the log for
 *       configuration entries.
 * </ul>
 *
 * <p>The first repetition runs with a cold JIT, as in a member that has just restarted; it is printed on its
 * own and counts in the medians. The three run in a rotating order per repetition so none always comes
 * first, and each is preceded by a {@code System.gc()} so that one's garbage is not collected in another's
 * time. Every read comes from
 * the page cache (the files were just written and the machine has far more memory than the log): the
 * figure is the CPU cost of recovery, which is what the store controls, not the disk's read speed.
 *
 * <p>The log: entry 1 is a configuration (three voters), the others commands of {@code dataBytes}
 * random bytes each (default 150, about a key-value put of a short key and a 100-byte value with its
 * envelope), saved 1,000 per save at the default segment size (64 MiB).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.polis.benchmarks.storage.RecoveryBenchmark
 * [entries] [dataBytes] [repetitions]} (defaults 1,000,000, 150, 5); data under {@code -Dpolis.dataRoot}
 * or the temp directory, deleted at the end. Prints per-repetition times, medians, ratios and
 * {@code RESULT} lines.
 */
public final class RecoveryBenchmark {

  private static final int SAVE_BATCH = 1_000;
  private static final int READ_BUFFER_BYTES = 1 << 20;

  private RecoveryBenchmark() {}

  /**
   * Writes the log, then measures.
   *
   * @param args entries, data bytes per entry, repetitions
   * @throws Exception on an I/O failure
   */
  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int dataBytes = args.length > 1 ? Integer.parseInt(args[1]) : 150;
    int repetitions = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path parent = Path.of(System.getProperty("polis.dataRoot", System.getProperty("java.io.tmpdir")));
    Path dir = Files.createTempDirectory(parent, "polis-recovery-bench-");
    try {
      run(dir, entries, dataBytes, repetitions);
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(Path dir, int entries, int dataBytes, int repetitions) throws Exception {
    MemberId id = new MemberId(new java.util.UUID(1, 1));
    Configuration voters = new Configuration(Map.of(
        id, new Address("127.0.0.1", 7001),
        new MemberId(new java.util.UUID(1, 2)), new Address("127.0.0.1", 7002),
        new MemberId(new java.util.UUID(1, 3)), new Address("127.0.0.1", 7003)), Map.of());
    long writeStart = System.nanoTime();
    write(dir, entries, dataBytes, voters);
    List<Path> segments = segmentFiles(dir);
    long bytes = 0;
    for (Path p : segments) {
      bytes += Files.size(p);
    }
    System.out.printf(Locale.ROOT, "wrote %,d entries (%d data bytes each) in %.1f s: %d segment files, %,d bytes,"
        + " in %s%n", entries, dataBytes, (System.nanoTime() - writeStart) / 1e9, segments.size(), bytes, dir);

    String[] names = {"read", "readAll", "open", "core"};
    long[][] times = new long[names.length][repetitions];
    long[] coreAllocated = new long[repetitions];
    for (int rep = 0; rep < repetitions; rep++) {
      for (int k = 0; k < 3; k++) {
        // Rotates which measurement comes first; open and core stay together since core needs the store.
        switch ((rep + k) % 3) {
          case 0 -> times[0][rep] = timed(() -> readChannel(segments));
          case 1 -> times[1][rep] = timed(() -> readAll(segments));
          default -> {
            System.gc();
            long start = System.nanoTime();
            try (FileRaftStorage storage = FileRaftStorage.open(dir, FileStorageConfig.defaults(), Clock.system())) {
              long opened = System.nanoTime();
              long allocatedBefore = allocatedBytes();
              RaftCore core = new RaftCore(id, "bench", RaftConfig.defaults(), storage, Configuration.EMPTY,
                  new SplittableRandom(rep));
              times[3][rep] = System.nanoTime() - opened;
              coreAllocated[rep] = allocatedBytes() - allocatedBefore;
              times[2][rep] = opened - start;
              if (core.lastIndex() != entries || !core.configuration().equals(voters)) {
                throw new IllegalStateException("recovered " + core.lastIndex() + " entries and " + core.configuration());
              }
            }
          }
        }
      }
      System.out.printf(Locale.ROOT, "repetition %d: read %.0f ms, readAll %.0f ms, open %.0f ms, core %.0f ms"
          + " (core allocated %,d MB)%n", rep + 1, times[0][rep] / 1e6, times[1][rep] / 1e6, times[2][rep] / 1e6,
          times[3][rep] / 1e6, coreAllocated[rep] >> 20);
    }
    // Per repetition too: the background load drifts, and a measurement is nearest in time to its own baseline.
    long[] ratios = new long[repetitions];
    for (int rep = 0; rep < repetitions; rep++) {
      ratios[rep] = Math.round(1000.0 * (times[2][rep] + times[3][rep]) / times[0][rep]);
    }
    System.out.printf(Locale.ROOT, "first repetition (cold JIT, as a restarted member is): open + core %.0f ms,"
        + " read %.0f ms; median of the per-repetition ratios (open + core) / read %.2f%n",
        (times[2][0] + times[3][0]) / 1e6, times[0][0] / 1e6, median(ratios) / 1000);
    result("median_of_ratios", median(ratios) / 1000);
    double read = median(times[0]) / 1e6;
    double readAll = median(times[1]) / 1e6;
    double open = median(times[2]) / 1e6;
    double core = median(times[3]) / 1e6;
    System.out.printf(Locale.ROOT, "median of %d: read %.0f ms (%.0f MB/s), readAll %.0f ms, open %.0f ms"
        + " (%.0f MB/s), core %.0f ms; open / read %.2f, (open + core) / read %.2f%n", repetitions, read,
        bytes / 1e3 / read, readAll, open, bytes / 1e3 / open, core, open / read, (open + core) / read);
    result("read_ms", read);
    result("read_all_ms", readAll);
    result("open_ms", open);
    result("core_ms", core);
    result("core_allocated_mb", median(coreAllocated) / (double) (1 << 20));
    result("open_over_read", open / read);
    result("open_and_core_over_read", (open + core) / read);
  }

  private static void write(Path dir, int entries, int dataBytes, Configuration voters) {
    FileStorageConfig config = FileStorageConfig.builder().syncPolicy(FileStorageConfig.SyncPolicy.NEVER).build();
    SplittableRandom random = new SplittableRandom(42);
    try (FileRaftStorage storage = FileRaftStorage.open(dir, config, Clock.system())) {
      storage.save(new HardState(1, null, 0), List.of(new LogEntry(1, 1, EntryKind.CONFIGURATION, voters.encode())));
      List<LogEntry> batch = new ArrayList<>(SAVE_BATCH);
      for (long index = 2; index <= entries; index++) {
        byte[] data = new byte[dataBytes];
        random.nextBytes(data);
        batch.add(new LogEntry(1, index, EntryKind.COMMAND, data));
        if (batch.size() == SAVE_BATCH || index == entries) {
          storage.save(null, batch);
          batch = new ArrayList<>(SAVE_BATCH);
        }
      }
      storage.save(new HardState(1, null, entries), List.of());
    } // close() forces everything
  }

  private static List<Path> segmentFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
    }
  }

  /** The baseline: the same bytes, read the way the scan reads them, checked by nothing. */
  private static long readChannel(List<Path> segments) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    long sum = 0;
    for (Path p : segments) {
      try (FileChannel channel = FileChannel.open(p, StandardOpenOption.READ)) {
        buffer.clear();
        while (channel.read(buffer) >= 0) {
          if (!buffer.hasRemaining()) {
            sum += buffer.get(0); // touches the buffer so the read cannot be thought useless
            buffer.clear();
          }
        }
      }
    }
    return sum;
  }

  private static long readAll(List<Path> segments) throws IOException {
    long sum = 0;
    for (Path p : segments) {
      sum += Files.readAllBytes(p).length;
    }
    return sum;
  }

  @FunctionalInterface
  private interface Work {
    long run() throws IOException;
  }

  private static long sink;

  private static long timed(Work work) throws IOException {
    System.gc();
    long start = System.nanoTime();
    sink += work.run();
    return System.nanoTime() - start;
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  private static void result(String metric, double value) {
    System.out.printf(Locale.ROOT, "RESULT recovery %s %.3f%n", metric, value);
  }
}
