package io.polis.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.polis.time.Scheduler.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedSchedulerTest {

  private final SimulatedScheduler scheduler = new SimulatedScheduler();
  private final List<String> ran = new ArrayList<>();

  @Test
  void runsTasksInOrderOfDueTimeAndMovesTheClockToEach() {
    List<Duration> times = new ArrayList<>();
    scheduler.schedule(Duration.ofMillis(30), () -> times.add(scheduler.now()));
    scheduler.schedule(Duration.ofMillis(10), () -> times.add(scheduler.now()));
    scheduler.schedule(Duration.ofMillis(20), () -> times.add(scheduler.now()));

    assertThat(scheduler.runUntilIdle()).isEqualTo(3);

    assertThat(times).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30));
    assertThat(scheduler.nanos()).isEqualTo(Duration.ofMillis(30).toNanos());
  }

  @Test
  void runsTasksDueAtTheSameTimeInSchedulingOrder() {
    scheduler.schedule(Duration.ofMillis(5), () -> ran.add("first"));
    scheduler.schedule(Duration.ofMillis(5), () -> ran.add("second"));
    scheduler.execute(() -> ran.add("now"));
    scheduler.schedule(Duration.ofMillis(-1), () -> ran.add("negative is now"));

    scheduler.runUntilIdle();

    assertThat(ran).containsExactly("now", "negative is now", "first", "second");
  }

  @Test
  void advanceRunsOnlyTasksDueOnTheWayAndEndsAtTheTarget() {
    scheduler.schedule(Duration.ofMillis(10), () -> ran.add("due"));
    scheduler.schedule(Duration.ofMillis(11), () -> ran.add("later"));

    assertThat(scheduler.advance(Duration.ofMillis(10))).isEqualTo(1);

    assertThat(ran).containsExactly("due");
    assertThat(scheduler.now()).isEqualTo(Duration.ofMillis(10));
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
    scheduler.runFor(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("due", "later");
    assertThat(scheduler.now()).isEqualTo(Duration.ofMillis(1010));
  }

  @Test
  void tasksScheduledByTasksRunInTheSameAdvanceWhenDue() {
    scheduler.schedule(Duration.ofMillis(1), () -> {
      ran.add("outer");
      scheduler.schedule(Duration.ofMillis(1), () -> ran.add("inner"));
    });

    scheduler.advance(Duration.ofMillis(2));

    assertThat(ran).containsExactly("outer", "inner");
  }

  @Test
  void cancelledTaskNeverRuns() {
    Cancellable cancelled = scheduler.schedule(Duration.ofMillis(1), () -> ran.add("cancelled"));
    scheduler.schedule(Duration.ofMillis(2), () -> ran.add("kept"));

    cancelled.cancel();

    assertThat(scheduler.pendingTasks()).isEqualTo(1);
    scheduler.runUntilIdle();
    assertThat(ran).containsExactly("kept");
  }

  @Test
  void runUntilIdleStopsATaskThatReschedulesItselfForever() {
    SimulatedScheduler guarded = new SimulatedScheduler(100);
    Runnable[] forever = new Runnable[1];
    forever[0] = () -> guarded.schedule(Duration.ofSeconds(1), forever[0]);
    guarded.execute(forever[0]);

    assertThatIllegalStateException().isThrownBy(guarded::runUntilIdle).withMessageContaining("100 tasks");
    assertThat(guarded.advance(Duration.ofSeconds(10))).as("a periodic task is fine with advance").isEqualTo(10);
  }

  @Test
  void failingTaskIsRecordedAndTheRunGoesOn() {
    IllegalStateException bug = new IllegalStateException("bug");
    scheduler.execute(() -> {
      throw bug;
    });
    scheduler.execute(() -> ran.add("after"));

    scheduler.runUntilIdle();

    assertThat(ran).containsExactly("after");
    assertThat(scheduler.failures()).containsExactly(bug);
  }
}
