package io.polis.benchmarks.membership;

import io.polis.PolisNode;
import io.polis.membership.MemberState;
import io.polis.node.MemberId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * How long until every survivor declares a stopped member down: five real members on 127.0.0.1, one
 * stopped abruptly (its engines and sockets closed, no leave announced), timed from the stop until the
 * last of the four others marks it DEAD. Then it is restarted on the same port under a new id, the
 * views converge, and the next round begins.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.polis.benchmarks.membership.FailureDetectionBenchmark [rounds]}
 */
public final class FailureDetectionBenchmark {

  private FailureDetectionBenchmark() {}

  /**
   * Runs the rounds and prints median, p99 and max.
   *
   * @param args optional number of rounds (default 30)
   * @throws Exception if the cluster cannot start
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Random random = new Random(7);
    List<Long> millis = new ArrayList<>();
    try (MembershipCluster cluster = new MembershipCluster()) {
      for (int i = 0; i < 5; i++) {
        cluster.start(0);
      }
      cluster.awaitConvergence(Duration.ofSeconds(30));
      for (int round = 0; round < rounds; round++) {
        Thread.sleep(500 + random.nextInt(1_000)); // a random phase of the probe cycle
        PolisNode victim = cluster.nodes.get(1 + random.nextInt(4));
        MemberId victimId = victim.id();
        int port = victim.address().port();
        long start = System.nanoTime();
        cluster.nodes.remove(victim);
        victim.close();
        while (!cluster.nodes.stream().allMatch(n -> n.membership().member(victimId)
            .map(m -> m.state() == MemberState.DEAD).orElse(false))) {
          if (System.nanoTime() - start > Duration.ofSeconds(30).toNanos()) {
            throw new IllegalStateException("round " + round + ": not detected within 30 s");
          }
          Thread.sleep(1);
        }
        long took = (System.nanoTime() - start) / 1_000_000;
        millis.add(took);
        System.out.printf("round %d: %d ms%n", round, took);
        cluster.start(port);
        cluster.awaitConvergence(Duration.ofSeconds(30));
      }
    }
    millis.sort(Long::compare);
    System.out.printf("detection by all of a stopped member among 5 (%d rounds): median %d ms, p99 %d ms, max %d ms%n",
        millis.size(), millis.get(millis.size() / 2), millis.get((int) Math.ceil(millis.size() * 0.99) - 1),
        millis.get(millis.size() - 1));
  }
}
