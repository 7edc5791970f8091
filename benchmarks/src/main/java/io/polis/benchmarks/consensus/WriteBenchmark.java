package io.polis.benchmarks.consensus;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Acknowledged writes per second and their latency, closed loop: N client threads each write one key
 * and wait for its acknowledgement before the next, for a warm-up and then a measured stretch. Keys
 * are {@code bench/<thread>/<0..999>} (each thread cycles over its own thousand keys, so the store
 * stays small); values are 100 random bytes. Counted: writes that completed inside the measured
 * stretch; their latency is from call to acknowledgement. Each client count gets a fresh cluster.
 *
 * <p>The clients run in this JVM, on the same cores as the members: on a small machine their CPU
 * is part of what is measured, for both targets.
 *
 * <p>Before the first client count, the JVM itself is warmed up on a cluster of its own: each client count
 * of the list writes for an equal share of {@code -Dconsensus.jvmWarmupSeconds} (default 15; 0 to skip),
 * unmeasured. The JIT compiler needs that long on two cores to compile the write path (of the Polis
 * members, or of the etcd client), and compiles it while the first measurement runs otherwise: one
 * client measured first in a fresh JVM did 770–910 writes/s with Polis, the same count measured third
 * 1,380–1,480.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.polis.benchmarks.consensus.WriteBenchmark
 * etcd|polis [seconds] [clients,...]} (default 10 seconds, clients 1,16,64; warm-up per client count
 * {@code -Dconsensus.warmupSeconds}, default 3). Exits with status 3 when the target cannot run here.
 */
public final class WriteBenchmark {

  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final int KEYS_PER_CLIENT = 1_000;
  private static final int VALUE_BYTES = 100;

  /** What one client thread saw in the measured stretch. */
  private static final class Recorder {
    long[] latencies = new long[1 << 14];
    int count;
    int errors;
    @Nullable Exception firstError;

    void record(long nanos) {
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = nanos;
    }
  }

  private WriteBenchmark() {}

  /**
   * Runs each client count and prints throughput, p50, p99 and max, and {@code RESULT} lines.
   *
   * @param args the target ({@code etcd} or {@code polis}), then optionally seconds per client count and
   *     a comma-separated list of client counts
   * @throws Exception if the cluster fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: WriteBenchmark etcd|polis [seconds] [clients,...]");
      System.exit(2);
    }
    String target = args[0];
    Duration measured = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 10);
    int[] clientCounts = Arrays.stream((args.length > 2 ? args[2] : "1,16,64").split(","))
        .mapToInt(Integer::parseInt).toArray();
    Duration warmup = Duration.ofSeconds(Long.getLong("consensus.warmupSeconds", 3));
    Duration jvmWarmup = Duration.ofSeconds(Long.getLong("consensus.jvmWarmupSeconds", 15));

    if (!jvmWarmup.isZero()) {
      try (ConsensusCluster cluster = ConsensusTargets.createOrExit(target)) {
        System.out.printf("JVM warm-up: %s, %d s over client counts %s, not measured%n", cluster.description(),
            jvmWarmup.toSeconds(), Arrays.toString(clientCounts));
        cluster.start(BOUND);
        Duration share = jvmWarmup.dividedBy(clientCounts.length);
        for (int clients : clientCounts) {
          run(cluster, clients, Duration.ZERO, share);
        }
      }
    }
    for (int clients : clientCounts) {
      try (ConsensusCluster cluster = ConsensusTargets.createOrExit(target)) {
        System.out.printf("writes: %s, %d client(s), warm-up %d s, measured %d s%n", cluster.description(), clients,
            warmup.toSeconds(), measured.toSeconds());
        cluster.start(BOUND);
        List<Recorder> recorders = run(cluster, clients, warmup, measured);
        report(target, clients, measured, recorders);
      }
    }
  }

  private static List<Recorder> run(ConsensusCluster cluster, int clients, Duration warmup, Duration measured)
      throws Exception {
    long begin = System.nanoTime() + 100_000_000L; // every thread started by then
    long measureFrom = begin + warmup.toNanos();
    long measureTo = measureFrom + measured.toNanos();
    List<Recorder> recorders = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    AtomicReference<Throwable> crash = new AtomicReference<>();
    for (int t = 0; t < clients; t++) {
      Recorder recorder = new Recorder();
      recorders.add(recorder);
      ConsensusCluster.Client client = cluster.newClient();
      int thread = t;
      Thread worker = new Thread(() -> {
        try (client) {
          write(client, thread, recorder, begin, measureFrom, measureTo);
        } catch (Throwable e) {
          crash.compareAndSet(null, e);
        }
      }, "client-" + t);
      worker.start();
      threads.add(worker);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (crash.get() != null) {
      throw new IllegalStateException("a client thread failed", crash.get());
    }
    return recorders;
  }

  private static void write(ConsensusCluster.Client client, int thread, Recorder recorder, long begin,
      long measureFrom, long measureTo) throws InterruptedException {
    byte[][] keys = new byte[KEYS_PER_CLIENT][];
    for (int i = 0; i < KEYS_PER_CLIENT; i++) {
      keys[i] = ("bench/" + thread + "/" + i).getBytes(StandardCharsets.US_ASCII);
    }
    byte[] value = new byte[VALUE_BYTES];
    new Random(thread).nextBytes(value);
    while (System.nanoTime() < begin) {
      Thread.sleep(1);
    }
    for (int i = 0; ; i++) {
      long start = System.nanoTime();
      if (start >= measureTo) {
        return;
      }
      try {
        client.put(keys[i % KEYS_PER_CLIENT], value);
        long end = System.nanoTime();
        if (start >= measureFrom && end <= measureTo) {
          recorder.record(end - start);
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (start >= measureFrom) {
          recorder.errors++;
          if (recorder.firstError == null) {
            recorder.firstError = e;
          }
        }
      }
    }
  }

  private static void report(String target, int clients, Duration measured, List<Recorder> recorders) {
    int total = recorders.stream().mapToInt(r -> r.count).sum();
    int errors = recorders.stream().mapToInt(r -> r.errors).sum();
    long[] all = new long[total];
    int at = 0;
    for (Recorder r : recorders) {
      System.arraycopy(r.latencies, 0, all, at, r.count);
      at += r.count;
    }
    recorders.stream().map(r -> r.firstError).filter(e -> e != null).findFirst()
        .ifPresent(e -> System.out.println("first error: " + e));
    if (total == 0) {
      System.out.printf("%s, %d client(s): no acknowledged write in %d s, %d errors%n", target, clients,
          measured.toSeconds(), errors);
      return;
    }
    long[] sorted = Results.sorted(all);
    double opsPerSecond = total / (measured.toNanos() / 1e9);
    double p50 = Results.percentile(sorted, 50) / 1e6;
    double p99 = Results.percentile(sorted, 99) / 1e6;
    double max = sorted[sorted.length - 1] / 1e6;
    System.out.printf(Locale.ROOT, "%s %d %s: %,d acknowledged writes in %d s = %,.0f ops/s, "
        + "p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d errors%n",
        target, clients, clients == 1 ? "client" : "clients", total, measured.toSeconds(), opsPerSecond, p50, p99,
        max, errors);
    Results.print(target, "write_c" + clients + "_ops_per_s", opsPerSecond);
    Results.print(target, "write_c" + clients + "_p50_ms", p50);
    Results.print(target, "write_c" + clients + "_p99_ms", p99);
    Results.print(target, "write_c" + clients + "_errors", errors);
  }
}
