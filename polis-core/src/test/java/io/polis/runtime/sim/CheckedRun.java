package io.polis.runtime.sim;

import io.polis.sim.Simulation;
import java.time.Duration;

/** Runs a simulation for a stretch of virtual time, one task at a time, with a check after each task. */
final class CheckedRun {

  private CheckedRun() {}

  /**
   * Runs the simulation's tasks for {@code duration} of virtual time.
   *
   * @param check run after every task; throws to fail the run
   * @throws AssertionError if the simulation runs out of work or a task threw
   */
  static void run(Simulation sim, Duration duration, Runnable check) {
    boolean[] done = {false};
    sim.scheduler().schedule(duration, () -> done[0] = true);
    while (!done[0]) {
      if (!sim.scheduler().runNext()) {
        throw new AssertionError("the simulation ran out of work");
      }
      if (!sim.scheduler().failures().isEmpty()) {
        throw new AssertionError("a simulated task threw", sim.scheduler().failures().get(0));
      }
      check.run();
    }
  }
}
