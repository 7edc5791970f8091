package io.polis.runtime;

import io.polis.raft.RaftCore;
import io.polis.raft.RaftStorage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Forces a leader's written entries off the driver thread and reports them durable to the core
 * ({@link RaftCore#persistedTo}), so the driver goes on taking acknowledgements and proposals while its
 * own disk flushes: with three members, the two followers' forces alone can commit a write.
 *
 * <p>One force runs at a time. Entries written while one runs wait for the next, which starts when it
 * ends and covers all of them (group commit). Touched only on the driver thread, except the force
 * itself, which runs on {@code executor} and hands its outcome back through {@code toDriver}.
 */
final class LogForces {

  private final RaftStorage storage;
  private final Executor executor;
  private final Predicate<Runnable> toDriver;
  private final Consumer<RuntimeException> onFailure;
  private RaftCore core;
  private boolean running;
  /** The last written entry that no force has yet been asked to cover, or -1. */
  private long owedIndex = -1;
  private long owedTerm;

  /**
   * @param storage the member's store; its {@link RaftStorage#force()} runs on {@code executor}
   * @param executor where forces run: a thread of their own, or the simulator's scheduler
   * @param toDriver hands a task to the driver thread; false once the driver has stopped
   * @param onFailure told, on the driver thread, when a force failed: the member must stop
   */
  LogForces(RaftStorage storage, Executor executor, Predicate<Runnable> toDriver,
      Consumer<RuntimeException> onFailure) {
    this.storage = storage;
    this.executor = executor;
    this.toDriver = toDriver;
    this.onFailure = onFailure;
  }

  void attach(RaftCore core) {
    this.core = core;
  }

  /**
   * The leader wrote entries up to {@code index} (of {@code term}) with {@link RaftStorage#write}.
   *
   * @param forceOwed what {@code write} returned: whether they owe a force
   */
  void written(long index, long term, boolean forceOwed) {
    if (!forceOwed && !running && owedIndex < 0) {
      core.persistedTo(index, term); // already as durable as the policy promises, and nothing before owes
      return;
    }
    // Even when this write owes nothing, an earlier one does: reporting it now would count that one too.
    owedIndex = index;
    owedTerm = term;
    if (!running) {
      start();
    }
  }

  private void start() {
    long index = owedIndex;
    long term = owedTerm;
    owedIndex = -1;
    running = true;
    executor.execute(() -> {
      try {
        storage.force();
        toDriver.test(() -> finished(index, term));
      } catch (RuntimeException e) {
        toDriver.test(() -> onFailure.accept(e));
      }
    });
  }

  private void finished(long index, long term) {
    running = false;
    if (owedIndex >= 0) {
      start();
    }
    core.persistedTo(index, term);
  }
}
