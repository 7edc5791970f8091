package io.polis.time;

import java.time.Duration;

/**
 * Runs tasks later. Implementations run the tasks of one scheduler one at a time, in order of their due
 * time (ties in order of scheduling), so code driven by one scheduler needs no locks.
 */
public interface Scheduler {

  /**
   * Runs a task after a delay.
   *
   * @param delay how long to wait; zero or negative runs it as soon as possible
   * @param task the task; an exception it throws is logged and does not stop the scheduler
   * @return a handle to cancel the task
   */
  Cancellable schedule(Duration delay, Runnable task);

  /**
   * Runs a task as soon as possible, after the tasks already due.
   *
   * @param task the task
   */
  default void execute(Runnable task) {
    schedule(Duration.ZERO, task);
  }

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not run yet; does nothing otherwise. */
    void cancel();
  }
}
