package io.polis.runtime;

import io.polis.time.ExecutorScheduler;
import io.polis.time.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One named thread that runs one protocol engine's work: its timers, the messages routed to it and the
 * API calls made on it. Because the engine is touched by this thread only, it needs no locks.
 */
public final class ProtocolThread implements Scheduler, Executor, AutoCloseable {

  private final ScheduledThreadPoolExecutor executor;
  private final ExecutorScheduler scheduler;

  /**
   * Starts the thread.
   *
   * @param name the thread's name, e.g. {@code polis-membership-3f2c1a0b}
   */
  public ProtocolThread(String name) {
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    scheduler = new ExecutorScheduler(executor);
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    if (executor.isShutdown()) {
      return () -> { };
    }
    return scheduler.schedule(delay, task);
  }

  @Override
  public void execute(Runnable task) {
    schedule(Duration.ZERO, task);
  }

  /** Stops the thread after the task running now; queued tasks are dropped. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
