package io.polis.sim;

import io.polis.time.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * One simulated node's view of the shared {@link SimulatedScheduler}, which can be paused as a process is
 * by a long GC pause or a stopped VM: tasks that fall due while paused are held, then run in order at
 * resume, when the shared clock has moved on. A crashed node's view is {@link #kill() killed}: its tasks
 * never run again.
 */
public final class PausableScheduler implements Scheduler {

  private final SimulatedScheduler shared;
  private final ArrayDeque<Runnable> held = new ArrayDeque<>();
  private boolean paused;
  private boolean killed;

  /**
   * Creates a view.
   *
   * @param shared the simulation's scheduler
   */
  public PausableScheduler(SimulatedScheduler shared) {
    this.shared = Objects.requireNonNull(shared, "shared");
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    if (killed) {
      return () -> { };
    }
    boolean[] cancelled = {false};
    Cancellable inner = shared.schedule(delay, () -> {
      if (killed || cancelled[0]) {
        return;
      }
      if (paused) {
        held.add(task);
      } else {
        task.run();
      }
    });
    return () -> {
      cancelled[0] = true;
      inner.cancel();
    };
  }

  /** Holds every task that falls due from now on. */
  public void pause() {
    paused = true;
  }

  /** Runs the held tasks, in the order they fell due, and lets later ones run on time. */
  public void resume() {
    paused = false;
    while (!held.isEmpty() && !paused && !killed) {
      Runnable task = held.poll();
      // Checked again when it runs: a crash or a pause may come between now and then.
      shared.execute(() -> {
        if (killed) {
          return;
        }
        if (paused) {
          held.add(task);
        } else {
          task.run();
        }
      });
    }
  }

  /** Drops every held and future task, as a crash does. */
  public void kill() {
    killed = true;
    held.clear();
  }

  /** @return whether tasks are being held */
  public boolean paused() {
    return paused;
  }
}
