package io.polis.benchmarks.consensus;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * How long a three-member group is without a leader everyone knows: kill the leader abruptly
 * ({@code kill -9}), then time until both survivors report the same new leader, polled every 5 ms
 * (so a figure is late by up to one poll and one status round trip, a few milliseconds). Then the
 * killed member is restarted with its log, the three agree on a leader again, and after a random
 * pause of 0.5 to 1.5 s (so that the kill falls at a random point of the heartbeat cycle) the next run
 * begins. One cluster serves all runs.
 *
 * <p>With etcd's default timing (heartbeat 100 ms, election timeout 1,000 ms) a follower campaigns
 * after a random 1,000 to 2,000 ms without a heartbeat, so that is the range to expect, plus one
 * election round trip.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.polis.benchmarks.consensus.FailoverBenchmark
 * etcd|polis [runs]} (default 20 runs). Exits with status 3 when the target cannot run here.
 */
public final class FailoverBenchmark {

  private static final Duration BOUND = Duration.ofSeconds(30);

  private FailoverBenchmark() {}

  /**
   * Runs the measurement and prints each run, the median, p99 and max, and {@code RESULT} lines.
   *
   * @param args the target ({@code etcd} or {@code polis}), then optionally the number of runs
   * @throws Exception if the cluster fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: FailoverBenchmark etcd|polis [runs]");
      System.exit(2);
    }
    String target = args[0];
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Random random = new Random(7);
    long[] millis = new long[runs];
    try (ConsensusCluster cluster = ConsensusTargets.createOrExit(target)) {
      System.out.println("failover: " + cluster.description() + ", " + runs + " runs");
      cluster.start(BOUND);
      for (int run = 0; run < runs; run++) {
        Thread.sleep(500 + random.nextInt(1_000));
        int leader = cluster.awaitLeaderKnownByAllSurvivors(BOUND); // all three agree before the kill
        long start = System.nanoTime();
        cluster.kill(leader);
        int next = cluster.awaitLeaderKnownByAllSurvivors(BOUND);
        millis[run] = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(Locale.ROOT, "run %2d: killed leader %d, all survivors know leader %d after %,d ms%n",
            run, leader, next, millis[run]);
        cluster.restart(leader, BOUND);
      }
    }
    long[] sorted = Results.sorted(millis);
    long median = Results.percentile(sorted, 50);
    long p99 = Results.percentile(sorted, 99);
    System.out.printf(Locale.ROOT,
        "%s failover, %d runs: min %,d ms, median %,d ms, p99 %,d ms, max %,d ms, mean %,.0f ms%n", target, runs,
        sorted[0], median, p99, sorted[sorted.length - 1], Arrays.stream(millis).average().orElse(0));
    Results.print(target, "failover_median_ms", median);
    Results.print(target, "failover_p99_ms", p99);
    Results.print(target, "failover_max_ms", sorted[sorted.length - 1]);
  }
}
