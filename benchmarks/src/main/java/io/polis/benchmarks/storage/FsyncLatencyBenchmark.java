package io.polis.benchmarks.storage;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The disk's floor for a durable write: a loop of "write N bytes, {@code FileChannel.force(false)}" (an
 * {@code fdatasync} on Linux), timed per iteration, in two shapes:
 *
 * <ul>
 *   <li><b>append</b>: each write extends the file, so each force also makes the new size durable (on ext4, a
 *       journal commit), as a log without preallocation does;
 *   <li><b>prealloc</b>: the file was first filled with zeros and forced, so each write lands inside it and
 *       the force flushes data only, as {@code FileRaftStorage} does since it preallocates.
 * </ul>
 *
 * <p>Each shape runs with one thread and with three at once (three files, as three members on one disk
 * force at the same moment when a write is replicated), for 200-byte writes (one small log record) and
 * 4 KiB writes. The shapes alternate, so background load falls on both alike.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.polis.benchmarks.storage.FsyncLatencyBenchmark
 * [iterations per thread (default 300)] [rounds (default 2)]}; files under {@code -Dpolis.dataRoot} or the temp
 * directory, deleted at the end.
 */
public final class FsyncLatencyBenchmark {

  private FsyncLatencyBenchmark() {}

  /**
   * Runs every shape and prints medians, p90 and p99.
   *
   * @param args iterations per thread, rounds
   * @throws Exception on an I/O failure
   */
  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Path parent = Path.of(System.getProperty("polis.dataRoot", System.getProperty("java.io.tmpdir")));
    Path dir = Files.createTempDirectory(parent, "polis-fsync-bench-");
    try {
      for (int round = 1; round <= rounds; round++) {
        for (int threads : new int[] {1, 3}) {
          for (int bytes : new int[] {200, 4096}) {
            for (boolean prealloc : new boolean[] {false, true}) {
              long[] times = run(dir, threads, bytes, prealloc, iterations);
              System.out.printf(Locale.ROOT, "round %d, %d thread(s), %4d-byte writes, %-8s: median %.3f ms, p90 %.3f ms,"
                  + " p99 %.3f ms%n", round, threads, bytes, prealloc ? "prealloc" : "append", at(times, 50),
                  at(times, 90), at(times, 99));
              System.out.printf(Locale.ROOT, "RESULT fsync r%d_t%d_b%d_%s_median_ms %.3f%n", round, threads, bytes,
                  prealloc ? "prealloc" : "append", at(times, 50));
            }
          }
        }
      }
    } finally {
      Files.deleteIfExists(dir);
    }
  }

  private static long[] run(Path dir, int threads, int bytes, boolean prealloc, int iterations) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<long[]>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Path file = dir.resolve("f" + t);
        results.add(pool.submit(() -> loop(file, bytes, prealloc, iterations)));
      }
      long[] all = new long[0];
      for (Future<long[]> f : results) {
        long[] one = f.get();
        long[] merged = Arrays.copyOf(all, all.length + one.length);
        System.arraycopy(one, 0, merged, all.length, one.length);
        all = merged;
      }
      Arrays.sort(all);
      return all;
    } finally {
      pool.shutdown();
    }
  }

  private static long[] loop(Path file, int bytes, boolean prealloc, int iterations) throws Exception {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      if (prealloc) {
        channel.write(ByteBuffer.allocate(iterations * bytes + 4096), 0);
        channel.force(true);
      }
      ByteBuffer buffer = ByteBuffer.allocate(bytes);
      long[] times = new long[iterations];
      for (int i = 0; i < iterations; i++) {
        buffer.clear();
        long start = System.nanoTime();
        channel.write(buffer, (long) i * bytes);
        channel.force(false);
        times[i] = System.nanoTime() - start;
      }
      return times;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static double at(long[] sorted, int percentile) {
    int rank = (int) Math.ceil(sorted.length * percentile / 100.0);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }
}
