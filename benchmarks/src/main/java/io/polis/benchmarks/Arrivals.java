package io.polis.benchmarks;

import io.polis.transport.BackpressureException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Counts the messages of a batch as they settle (arrive at the receiver, or fail to be sent) and lets the
 * one sending thread wait for the whole batch without sleeping: the message that completes the batch
 * unparks the sender.
 *
 * <p>A failed send counts as settled, so a failure can never leave the sender waiting for a message
 * that will not come; failures are counted apart so that the benchmark can report them.
 */
final class Arrivals {

  /** Upper bound of one park; only a safety net, since the last arrival unparks the sender at once. */
  private static final long PARK_NANOS = 1_000_000;

  private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(30);

  private final AtomicLong settled = new AtomicLong();
  private final AtomicLong backpressureFailures = new AtomicLong();
  private final AtomicLong otherFailures = new AtomicLong();
  private final AtomicBoolean batchOpen = new AtomicBoolean();
  private volatile long target;
  private volatile @Nullable Thread sender;
  private volatile @Nullable Throwable firstFailure;

  /**
   * Opens a batch; called by the sender before it sends the batch's first message.
   *
   * @param messages the number of messages in the batch
   * @throws IllegalStateException if another batch is open: the benchmarks support one sender thread
   */
  void expect(int messages) {
    if (!batchOpen.compareAndSet(false, true)) {
      throw new IllegalStateException("a batch is already open; run these benchmarks with one thread (-t 1)");
    }
    sender = Thread.currentThread();
    target = settled.get() + messages;
  }

  /** Called by the receiver for each message it gets. */
  void arrived() {
    if (settled.incrementAndGet() == target) {
      LockSupport.unpark(sender);
    }
  }

  /**
   * Called when a send fails.
   *
   * @param error the failure, as a future or a Netty promise reports it
   */
  void failed(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof BackpressureException) {
      backpressureFailures.incrementAndGet();
    } else {
      otherFailures.incrementAndGet();
    }
    if (firstFailure == null) {
      firstFailure = cause;
    }
    arrived();
  }

  /**
   * Waits until every message of the open batch has settled, then closes the batch.
   *
   * @throws IllegalStateException if the batch does not settle within 30 s (messages were lost)
   */
  void awaitBatch() {
    long deadline = System.nanoTime() + BATCH_TIMEOUT.toNanos();
    long goal = target;
    while (settled.get() < goal) {
      LockSupport.parkNanos(this, PARK_NANOS);
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("batch did not settle within " + BATCH_TIMEOUT + ": " + settled.get()
            + " of " + goal + " messages arrived or failed; first failure: " + firstFailure);
      }
    }
    batchOpen.set(false);
  }

  /**
   * Returns and resets the number of sends that failed with {@link BackpressureException}.
   *
   * @return the count since the last call
   */
  long takeBackpressureFailures() {
    return backpressureFailures.getAndSet(0);
  }

  /**
   * Returns and resets the number of sends that failed for any other reason.
   *
   * @return the count since the last call
   */
  long takeOtherFailures() {
    return otherFailures.getAndSet(0);
  }

  /**
   * Returns the first send failure seen, for the end-of-trial report.
   *
   * @return the failure, or null when every send succeeded
   */
  @Nullable Throwable firstFailure() {
    return firstFailure;
  }
}
