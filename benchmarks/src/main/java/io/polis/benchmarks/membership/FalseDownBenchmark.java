package io.polis.benchmarks.membership;

import io.polis.PolisNode;
import io.polis.membership.MembershipEvent;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts members wrongly declared down: five healthy real members on 127.0.0.1 for a while (default 10
 * minutes), typically while another process loads every core (see benchmarks/membership-load.sh). Every
 * Down event is a false one, since no member stops. Also counts suspicions, which Lifeguard should
 * keep refuted.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.polis.benchmarks.membership.FalseDownBenchmark [minutes]}
 */
public final class FalseDownBenchmark {

  private FalseDownBenchmark() {}

  /**
   * Runs the cluster and prints the counts.
   *
   * @param args optional duration in minutes (default 10)
   * @throws Exception if the cluster cannot start
   */
  public static void main(String[] args) throws Exception {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    AtomicInteger downs = new AtomicInteger();
    AtomicInteger suspicions = new AtomicInteger();
    try (MembershipCluster cluster = new MembershipCluster()) {
      for (int i = 0; i < 5; i++) {
        cluster.start(0);
      }
      cluster.awaitConvergence(Duration.ofSeconds(30));
      for (PolisNode node : cluster.nodes) {
        node.membership().addListener(event -> {
          if (event instanceof MembershipEvent.Down) {
            downs.incrementAndGet();
            System.out.println("FALSE DOWN: " + event);
          } else if (event instanceof MembershipEvent.Suspected) {
            suspicions.incrementAndGet();
          }
        });
      }
      long end = System.nanoTime() + (long) (minutes * 60e9);
      while (System.nanoTime() < end) {
        Thread.sleep(1_000);
      }
      System.out.printf("%.1f minutes, 5 healthy members: %d false down events, %d suspicions (all refuted: %s),"
          + " views converged at the end: %s%n", minutes, downs.get(), suspicions.get(),
          downs.get() == 0, cluster.converged());
    }
  }
}
