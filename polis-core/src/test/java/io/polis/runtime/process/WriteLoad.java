package io.polis.runtime.process;

import static org.awaitility.Awaitility.await;

import io.polis.runtime.process.MemberProcess.PutAck;
import io.polis.runtime.process.RaftProcessCluster.Member;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A client that pipelines puts of fresh keys ({@code <prefix><n>} = {@code v<n>}) to the running members
 * in turn, at most a window's worth at a time, and records every acknowledged put. Each key is written
 * once, so a read of it can only be right or a lost (or duplicated) write.
 */
final class WriteLoad implements AutoCloseable {

  private final String prefix;
  private final Supplier<List<Member>> targets;
  private final int windowSize;
  private final Semaphore window;
  private final Map<String, PutAck> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean stopping;
  private volatile boolean lastPutFailed;

  private WriteLoad(String prefix, Supplier<List<Member>> targets, int windowSize) {
    this.prefix = prefix;
    this.targets = targets;
    this.windowSize = windowSize;
    this.window = new Semaphore(windowSize);
    this.thread = new Thread(this::run, "write-load-" + prefix);
    thread.setDaemon(true);
  }

  /**
   * Starts writing.
   *
   * @param prefix starts every key, so that loads of one test never share keys
   * @param targets the members to write through, asked before every put
   * @param windowSize the most puts in flight
   * @return the running load
   */
  static WriteLoad start(String prefix, Supplier<List<Member>> targets, int windowSize) {
    WriteLoad load = new WriteLoad(prefix, targets, windowSize);
    load.thread.start();
    return load;
  }

  /** @return the acknowledged puts by key */
  Map<String, PutAck> acknowledged() {
    return Map.copyOf(acknowledged);
  }

  /** @return how many puts were acknowledged so far */
  int acknowledgedCount() {
    return acknowledged.size();
  }

  /** @return failed puts by reason (the exception's simple name, or the process's end) */
  Map<String, Integer> failures() {
    return new TreeMap<>(failures);
  }

  /**
   * Waits until at least {@code count} puts were acknowledged.
   *
   * @param count the number to reach
   */
  void awaitAcknowledged(int count) {
    await(count + " acknowledged puts").atMost(RaftProcessCluster.SETTLE_TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> acknowledged.size() >= count);
  }

  /** Stops writing and waits until every put in flight has its answer, acknowledged or failed. */
  @Override
  public void close() {
    stopping = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
      // Every put ends: the member answers within its request timeout, or its process ends.
      if (!window.tryAcquire(windowSize, 60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("puts still in flight 60 s after the load stopped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long n = 0;
    int turn = 0;
    while (!stopping) {
      try {
        if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
      } catch (InterruptedException e) {
        return;
      }
      List<Member> up = targets.get();
      MemberProcess target = up.isEmpty() ? null : processOf(up.get(turn++ % up.size()));
      if (target == null || lastPutFailed) {
        // No member up, or no leader yet: failures come back at once, and retrying at full speed would
        // only take the two cores from the members that are electing one.
        lastPutFailed = false;
        window.release();
        parkBriefly();
        continue;
      }
      String key = prefix + n;
      String value = "v" + n;
      n++;
      target.put(key, value).whenComplete((ack, error) -> {
        if (error == null) {
          acknowledged.put(key, ack);
        } else {
          failures.merge(reason(error), 1, Integer::sum);
          lastPutFailed = true;
        }
        window.release();
      });
    }
  }

  private static @Nullable MemberProcess processOf(Member m) {
    try {
      return m.process();
    } catch (IllegalStateException e) {
      return null; // killed since the list was made
    }
  }

  private static void parkBriefly() {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
  }

  private static String reason(Throwable error) {
    return error instanceof MemberProcess.CommandFailedException failed ? failed.kind() : "member process ended";
  }
}
