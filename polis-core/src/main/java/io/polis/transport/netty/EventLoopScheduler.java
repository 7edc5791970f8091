package io.polis.transport.netty;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.polis.time.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} that runs its tasks on one Netty event loop of a {@link NettyTransport}, one at a
 * time and in order, like a {@code ProtocolThread}.
 *
 * <p>It is for running a protocol engine on the loop that serves its connections: inbound messages then
 * reach the engine on the thread that read them, and what the engine sends is written (and flushed, see
 * {@link NettyTransport#eventLoopScheduler()}) on that same thread, so neither direction needs a thread
 * hand-off.
 *
 * <p>The price: a task must not block for long, because while it runs the loop reads and writes nothing
 * for any connection of the node, and the node's heartbeats and timeouts wait too. A short blocking step
 * (forcing a log to disk, well under a millisecond) is acceptable when it is on the engine's critical path
 * anyway; waiting on a peer, a lock held by another thread or a future of this transport is not, and
 * calling {@link NettyTransport#close()} from a task deadlocks until its timeout, as the close waits for
 * this loop to end.
 *
 * <p>With {@code ioThreads(1)} the one loop serves every connection of the node. With more I/O threads
 * connections are spread over the loops as before and only those on this scheduler's loop avoid the
 * hand-off; the others still work, through the ordinary cross-thread path.
 *
 * <p>After the transport has stopped, tasks are dropped: {@link #schedule} and {@link #execute} do not
 * throw, and nothing runs. A delayed task that falls due while the loop is busy runs after the tasks
 * already queued for it.
 */
public final class EventLoopScheduler implements Scheduler, Executor {

  private static final Logger log = LoggerFactory.getLogger(EventLoopScheduler.class);

  private static final Cancellable NOTHING_TO_CANCEL = () -> { };

  private final EventLoop loop;

  /**
   * Creates a scheduler on a loop; it does not own the loop and never shuts it down.
   *
   * @param loop the event loop that runs the tasks
   */
  EventLoopScheduler(EventLoop loop) {
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  /**
   * Runs a task on the loop after a delay; zero or negative runs it like {@link #execute}.
   *
   * @param delay how long to wait
   * @param task the task; an exception it throws is logged and does not stop the loop
   * @return a handle to cancel the task; a no-op when the loop has stopped
   */
  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(task, "task");
    long nanos = delay.toNanos();
    if (nanos <= 0) {
      // A plain loop task is cheaper than a scheduled one and queues in order with execute()'d tasks.
      CancellableTask cancellable = new CancellableTask(task);
      return submit(cancellable) ? cancellable : NOTHING_TO_CANCEL;
    }
    try {
      ScheduledFuture<?> future = loop.schedule(() -> runLogged(task), nanos, TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    } catch (RejectedExecutionException e) {
      dropped(e);
      return NOTHING_TO_CANCEL;
    }
  }

  /**
   * Runs a task on the loop as soon as possible, after the tasks already queued there.
   *
   * @param task the task; an exception it throws is logged and does not stop the loop
   */
  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    submit(() -> runLogged(task));
  }

  /**
   * Tells whether the calling thread is this scheduler's loop: true in its tasks, and in the inbound
   * handler for a message read by a connection on the same loop. A message that arrives on another loop
   * (with more than one I/O thread) must be handed to the engine with {@link #execute}.
   *
   * @return whether the caller runs on the loop
   */
  public boolean inEventLoop() {
    return loop.inEventLoop();
  }

  EventLoop loop() {
    return loop;
  }

  /** @return whether the loop accepted the task */
  private boolean submit(Runnable task) {
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      dropped(e);
      return false;
    }
  }

  private static void dropped(RejectedExecutionException e) {
    // The transport has stopped; like a ProtocolThread after close(), late work is simply dropped.
    log.debug("event loop has stopped; task dropped ({})", e.toString());
  }

  private static void runLogged(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("scheduled task failed", e);
    }
  }

  /** A task for the loop's plain queue, which has no cancel of its own. */
  private static final class CancellableTask implements Runnable, Cancellable {

    private final Runnable task;
    private volatile boolean cancelled;

    CancellableTask(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      if (!cancelled) {
        runLogged(task);
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }
}
