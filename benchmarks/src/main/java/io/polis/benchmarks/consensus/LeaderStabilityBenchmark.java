package io.polis.benchmarks.consensus;

import io.polis.KeyValueStore;
import io.polis.kv.KvStateMachine;
import io.polis.kv.ReplicatedKeyValueStore;
import io.polis.raft.RaftStatus;
import io.polis.runtime.RaftDriverConfig;
import io.polis.runtime.RaftTcpCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spurious leader changes: three healthy Polis members at default timeouts run for N minutes under a
 * light write load (one client, one put every 10 ms) while other processes keep the CPU busy
 * ({@code benchmarks/raft-load.sh} starts them). Any change of term after the first leader is elected is
 * spurious, since no member fails.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.polis.benchmarks.consensus.LeaderStabilityBenchmark [minutes]}
 */
public final class LeaderStabilityBenchmark {

  private LeaderStabilityBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args the number of minutes (default 10)
   * @throws Exception if the cluster does not start
   */
  public static void main(String[] args) throws Exception {
    int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    try (RaftTcpCluster cluster = new RaftTcpCluster(3, RaftDriverConfig.defaults(), KvStateMachine::new)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (cluster.agreedLeader() == null) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no leader within 30 s");
        }
        Thread.sleep(10);
      }
      long firstTerm = cluster.agreedLeader().driver().status().term();
      AtomicLong changes = new AtomicLong();
      for (RaftTcpCluster.Member m : cluster.members()) {
        m.driver().addStatusListener(s -> {
          if (s.term() > firstTerm) {
            changes.incrementAndGet();
            System.out.printf("%s: %s now %s at term %d, leader %s%n", java.time.LocalTime.now(),
                s.id().shortForm(), s.role(), s.term(), s.leader() == null ? "-" : s.leader().shortForm());
          }
        });
      }
      System.out.printf("leader elected at term %d; running %d minutes under load%n", firstTerm, minutes);
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
      long writes = 0;
      long failures = 0;
      while (System.nanoTime() < end) {
        RaftTcpCluster.Member leader = cluster.leader();
        try {
          KeyValueStore store = new ReplicatedKeyValueStore(leader.driver(), (KvStateMachine) leader.stateMachine());
          store.put("k" + (writes % 100), ("v" + writes).getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
          writes++;
        } catch (Exception e) {
          failures++;
        }
        Thread.sleep(10);
      }
      RaftStatus last = cluster.agreedLeader() == null ? null : cluster.agreedLeader().driver().status();
      long termChanges = last == null ? -1 : last.term() - firstTerm;
      System.out.printf("%d minutes: %d writes, %d failed, final term %s (first %d), status changes seen %d%n",
          minutes, writes, failures, last == null ? "?" : Long.toString(last.term()), firstTerm, changes.get());
      System.out.println("RESULT polis spurious_leader_changes " + termChanges);
      System.out.println("RESULT polis stability_writes " + writes);
      System.out.println("RESULT polis stability_failed_writes " + failures);
    }
  }
}
