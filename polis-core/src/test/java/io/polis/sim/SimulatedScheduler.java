package io.polis.sim;

import io.polis.time.Clock;
import io.polis.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} and {@link Clock} in virtual time: nothing runs and no time passes until the test
 * says so. Tasks run in order of due time, ties in order of scheduling, one at a time on the caller's
 * thread; the clock jumps to each task's due time as it runs. No threads, no real time.
 *
 * <p>The clock starts at zero. Not thread-safe: one thread schedules and runs everything.
 *
 * <p>A task that throws is logged and recorded in {@link #failures()}, and the run goes on, as the
 * {@link Scheduler} contract demands; a test should check that list at its end.
 */
public final class SimulatedScheduler implements Scheduler, Clock {

  /** Default most tasks one call may run before it gives up, taking the run for a livelock. */
  public static final int DEFAULT_MAX_TASKS_PER_RUN = 10_000_000;

  private static final Logger log = LoggerFactory.getLogger(SimulatedScheduler.class);

  private static final Comparator<Task> ORDER =
      Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.sequence);

  private final PriorityQueue<Task> queue = new PriorityQueue<>(ORDER);
  private final List<RuntimeException> failures = new ArrayList<>();
  private final int maxTasksPerRun;
  private long now;
  private long nextSequence;

  /** Creates a scheduler at time zero with the default livelock guard. */
  public SimulatedScheduler() {
    this(DEFAULT_MAX_TASKS_PER_RUN);
  }

  /**
   * Creates a scheduler at time zero.
   *
   * @param maxTasksPerRun most tasks one call to {@link #runUntilIdle()} or {@link #advance} may run
   */
  public SimulatedScheduler(int maxTasksPerRun) {
    if (maxTasksPerRun < 1) {
      throw new IllegalArgumentException("maxTasksPerRun must be at least 1 but was " + maxTasksPerRun);
    }
    this.maxTasksPerRun = maxTasksPerRun;
  }

  /**
   * {@inheritDoc} The task is due at {@code now() + delay}; a zero or negative delay makes it due now,
   * after the tasks already due now.
   */
  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay");
    Task scheduled = new Task(saturatedAdd(now, delay), nextSequence++, Objects.requireNonNull(task, "task"));
    queue.add(scheduled);
    return scheduled;
  }

  /** {@inheritDoc} The virtual time, in nanoseconds since this scheduler was created. */
  @Override
  public long nanos() {
    return now;
  }

  /**
   * Returns the virtual time since this scheduler was created.
   *
   * @return the time elapsed
   */
  public Duration now() {
    return Duration.ofNanos(now);
  }

  /**
   * Runs the next task, moving the clock to its due time if that is later.
   *
   * @return false if no task was waiting
   */
  public boolean runNext() {
    Task task = pollLive();
    if (task == null) {
      return false;
    }
    now = Math.max(now, task.due);
    try {
      task.runnable.run();
    } catch (RuntimeException e) {
      log.error("simulated task failed at {}", now(), e);
      failures.add(e);
    }
    return true;
  }

  /**
   * Runs tasks until none is left, moving the clock as far as the last one. Never returns if tasks keep
   * rescheduling themselves (a periodic timer): use {@link #advance} for those.
   *
   * @return how many tasks ran
   * @throws IllegalStateException after {@code maxTasksPerRun} tasks, taking the run for a livelock
   */
  public int runUntilIdle() {
    int ran = 0;
    while (peekLive() != null) {
      checkGuard(ran);
      runNext();
      ran++;
    }
    return ran;
  }

  /**
   * Moves the clock forward, running every task that falls due on the way at its due time, including
   * tasks scheduled by those tasks. The clock ends exactly {@code duration} later.
   *
   * @param duration how far to move, not negative
   * @return how many tasks ran
   * @throws IllegalStateException after {@code maxTasksPerRun} tasks, taking the run for a livelock
   */
  public int advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("time cannot move backwards by " + duration);
    }
    long target = saturatedAdd(now, duration);
    int ran = 0;
    for (Task next = peekLive(); next != null && next.due <= target; next = peekLive()) {
      checkGuard(ran);
      runNext();
      ran++;
    }
    now = target;
    return ran;
  }

  /**
   * Same as {@link #advance}; reads better in scenarios ("run for five seconds").
   *
   * @param duration how long to run, not negative
   * @return how many tasks ran
   */
  public int runFor(Duration duration) {
    return advance(duration);
  }

  /**
   * Returns the number of tasks waiting to run, cancelled ones excluded.
   *
   * @return the number of pending tasks
   */
  public int pendingTasks() {
    return (int) queue.stream().filter(t -> !t.cancelled).count();
  }

  /**
   * Returns the exceptions thrown by tasks so far, oldest first.
   *
   * @return an unmodifiable copy
   */
  public List<RuntimeException> failures() {
    return List.copyOf(failures);
  }

  private void checkGuard(int ran) {
    if (ran >= maxTasksPerRun) {
      throw new IllegalStateException("ran " + ran + " tasks in one call and more are due, at " + now()
          + "; a task probably reschedules itself forever (use advance for periodic timers)");
    }
  }

  private @Nullable Task peekLive() {
    while (!queue.isEmpty() && queue.peek().cancelled) {
      queue.poll();
    }
    return queue.peek();
  }

  private @Nullable Task pollLive() {
    Task task = peekLive();
    return task == null ? null : queue.poll();
  }

  private static long saturatedAdd(long nanos, Duration delay) {
    if (delay.isNegative() || delay.isZero()) {
      return nanos;
    }
    try {
      return Math.addExact(nanos, delay.toNanos());
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE; // "never", for all practical purposes
    }
  }

  private static final class Task implements Cancellable {
    private final long due;
    private final long sequence;
    private final Runnable runnable;
    private boolean cancelled;

    private Task(long due, long sequence, Runnable runnable) {
      this.due = due;
      this.sequence = sequence;
      this.runnable = runnable;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }
}
