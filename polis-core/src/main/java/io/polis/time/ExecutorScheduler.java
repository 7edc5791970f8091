package io.polis.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} over a {@link ScheduledExecutorService}. To keep the one-task-at-a-time promise,
 * give it a single-threaded executor; it does not own the executor and never shuts it down.
 */
public final class ExecutorScheduler implements Scheduler {

  private static final Logger log = LoggerFactory.getLogger(ExecutorScheduler.class);

  private final ScheduledExecutorService executor;

  /**
   * Creates a scheduler.
   *
   * @param executor a single-threaded scheduled executor
   */
  public ExecutorScheduler(ScheduledExecutorService executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    ScheduledFuture<?> future = executor.schedule(() -> runLogged(task), Math.max(0, delay.toNanos()),
        TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  private static void runLogged(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("scheduled task failed", e);
    }
  }
}
