package io.polis.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.polis.testing.LogCapture;
import io.polis.time.Scheduler.Cancellable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler on a bare event loop: thread, order, delays, cancelling, failures, and a stopped loop. */
class EventLoopSchedulerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private EventLoopGroup group;
  private EventLoop loop;
  private EventLoopScheduler scheduler;
  private final List<String> ran = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    loop = group.next();
    scheduler = new EventLoopScheduler(loop);
  }

  @AfterEach
  void tearDown() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void tasksRunOnTheLoopThreadInSubmissionOrder() {
    List<Boolean> onLoop = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      String name = Integer.toString(i);
      Runnable task = () -> {
        onLoop.add(loop.inEventLoop() && scheduler.inEventLoop());
        ran.add(name);
      };
      // execute() and a zero-delay schedule() share the loop's queue, so they keep one order between them.
      if (i % 2 == 0) {
        scheduler.execute(task);
      } else {
        scheduler.schedule(Duration.ZERO, task);
      }
    }

    await().atMost(WAIT).until(() -> ran.size() == 1_000);
    assertThat(ran).containsExactlyElementsOf(IntStream.range(0, 1_000).mapToObj(Integer::toString).toList());
    assertThat(onLoop).containsOnly(true);
    assertThat(scheduler.inEventLoop()).isFalse();
  }

  @Test
  void aDelayedTaskRunsAfterAnImmediateTaskSubmittedAfterIt() {
    // Both are submitted from one loop task, so neither can run before the other is queued.
    scheduler.execute(() -> {
      scheduler.schedule(Duration.ofMillis(1), () -> ran.add("delayed"));
      scheduler.execute(() -> ran.add("immediate"));
    });

    await().atMost(WAIT).until(() -> ran.size() == 2);
    assertThat(ran).containsExactly("immediate", "delayed");
  }

  @Test
  void delayedTasksRunInOrderOfTheirDueTime() {
    scheduler.execute(() -> {
      scheduler.schedule(Duration.ofMillis(30), () -> ran.add("later"));
      scheduler.schedule(Duration.ofMillis(10), () -> ran.add("sooner"));
    });

    await().atMost(WAIT).until(() -> ran.size() == 2);
    assertThat(ran).containsExactly("sooner", "later");
  }

  @Test
  void aCancelledDelayedTaskNeverRuns() {
    Cancellable cancelled = scheduler.schedule(Duration.ofMillis(10), () -> ran.add("cancelled"));
    cancelled.cancel();
    // Due after the cancelled one would have been: once it has run, the cancelled one had its chance.
    scheduler.schedule(Duration.ofMillis(50), () -> ran.add("marker"));

    await().atMost(WAIT).until(() -> ran.contains("marker"));
    assertThat(ran).containsExactly("marker");
  }

  @Test
  void aCancelledImmediateTaskNeverRuns() {
    scheduler.execute(() -> {
      Cancellable cancelled = scheduler.schedule(Duration.ZERO, () -> ran.add("cancelled"));
      scheduler.execute(() -> ran.add("marker"));
      cancelled.cancel();
    });

    await().atMost(WAIT).until(() -> ran.contains("marker"));
    assertThat(ran).containsExactly("marker");
  }

  @Test
  void cancellingATaskThatHasRunDoesNothing() {
    Cancellable done = scheduler.schedule(Duration.ZERO, () -> ran.add("done"));
    await().atMost(WAIT).until(() -> ran.contains("done"));

    assertThatNoException().isThrownBy(done::cancel);
  }

  @Test
  void aThrowingTaskIsLoggedAndLaterTasksStillRun() {
    try (LogCapture logs = new LogCapture()) {
      scheduler.execute(() -> {
        throw new IllegalStateException("boom from execute");
      });
      scheduler.schedule(Duration.ofMillis(1), () -> {
        throw new IllegalStateException("boom from schedule");
      });
      scheduler.schedule(Duration.ofMillis(20), () -> ran.add("after"));

      await().atMost(WAIT).until(() -> ran.contains("after"));
      assertThat(logs.lines()).filteredOn(line -> line.contains("scheduled task failed")).hasSize(2);
    }
  }

  @Test
  void afterTheLoopHasStoppedTasksAreDroppedWithoutAnException() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    assertThat(loop.isTerminated()).isTrue();
    assertDropsTasksQuietly(scheduler);
  }

  /** For a scheduler whose loop has terminated: nothing submitted throws, and nothing runs. */
  static void assertDropsTasksQuietly(EventLoopScheduler scheduler) {
    AtomicBoolean anyRan = new AtomicBoolean();

    assertThatNoException().isThrownBy(() -> {
      scheduler.execute(() -> anyRan.set(true));
      scheduler.schedule(Duration.ZERO, () -> anyRan.set(true)).cancel();
      scheduler.schedule(Duration.ofMillis(1), () -> anyRan.set(true)).cancel();
    });
    // The loop's thread is gone, so nothing submitted now can ever run: no need to wait and see.
    assertThat(anyRan).isFalse();
  }
}
