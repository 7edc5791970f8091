package io.polis.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PausableSchedulerTest {

  private final SimulatedScheduler shared = new SimulatedScheduler();
  private final PausableScheduler node = new PausableScheduler(shared);
  private final List<String> ran = new ArrayList<>();

  @Test
  void tasksThatFallDueWhilePausedRunAtResumeInOrder() {
    node.pause();
    node.schedule(Duration.ofMillis(10), () -> ran.add("first"));
    node.schedule(Duration.ofMillis(20), () -> ran.add("second"));
    shared.advance(Duration.ofMillis(50));
    assertThat(ran).isEmpty();

    node.resume();
    shared.runUntilIdle();

    assertThat(ran).containsExactly("first", "second");
  }

  @Test
  void aKilledNodesTasksNeverRun() {
    node.schedule(Duration.ofMillis(10), () -> ran.add("scheduled"));
    node.kill();
    node.execute(() -> ran.add("after the kill"));

    shared.runUntilIdle();

    assertThat(ran).isEmpty();
  }

  /**
   * A resume hands the held tasks back to the shared scheduler, which runs them later; a crash in between
   * must still drop them, as it drops every other task of the node. It did not: a simulated Raft member
   * crashed right after a GC pause ended went on to run its driver on the store the crash had abandoned.
   */
  @Test
  void tasksHeldByAPauseDoNotRunWhenTheNodeIsKilledRightAfterItsResume() {
    holdATaskDuringAPause();

    node.resume();
    node.kill();
    shared.runUntilIdle();

    assertThat(ran).isEmpty();
  }

  @Test
  void tasksHeldByAPauseAreHeldAgainWhenTheNodePausesRightAfterItsResume() {
    holdATaskDuringAPause();

    node.resume();
    node.pause();
    shared.runUntilIdle();
    assertThat(ran).isEmpty();

    node.resume();
    shared.runUntilIdle();
    assertThat(ran).containsExactly("held");
  }

  /** Pauses the node past the due time of a task that adds "held": the task is held, not run. */
  private void holdATaskDuringAPause() {
    node.pause();
    node.schedule(Duration.ofMillis(10), () -> ran.add("held"));
    shared.advance(Duration.ofMillis(50));
  }
}
