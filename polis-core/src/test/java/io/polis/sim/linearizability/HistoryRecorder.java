package io.polis.sim.linearizability;

import io.polis.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Records a client history as a simulator test runs: call {@link #invoke} just before a client sends an
 * operation, then exactly one of {@link Pending#ok}, {@link Pending#failed} or {@link Pending#unknown}
 * when it learns how the operation ended. Times come from the given clock, normally the simulator's
 * virtual one.
 *
 * <p>Threading: built for the simulator, where one thread runs everything. Every method holds the
 * recorder's lock while it reads the clock and records, so calls from several threads are safe too and
 * each recorded time is consistent with the order of the calls; the clock must then be safe to read from
 * those threads.
 */
public final class HistoryRecorder {

  private final Clock clock;
  private final List<Pending> operations = new ArrayList<>();

  /**
   * Creates an empty recorder.
   *
   * @param clock the time source for invocations and responses, e.g. the simulator's scheduler
   */
  public HistoryRecorder(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Records that a client invokes an operation now.
   *
   * @param client the client; it should have no other operation pending
   * @param key the key acted on
   * @param input what it asks
   * @return the handle on which to record how the operation ends
   */
  public synchronized Pending invoke(String client, String key, Input input) {
    Pending pending = new Pending(operations.size(), client, key, input, clock.nanos());
    operations.add(pending);
    return pending;
  }

  /**
   * Returns the history so far, in order of invocation. An operation still pending counts as
   * {@link Outcome.Unknown}: its client has not heard back, so it may yet take effect.
   *
   * @return a snapshot of the recorded operations
   */
  public synchronized List<Operation> history() {
    List<Operation> history = new ArrayList<>(operations.size());
    for (Pending pending : operations) {
      history.add(pending.asOperation());
    }
    return List.copyOf(history);
  }

  /** One invoked operation waiting for its outcome. Methods are guarded by the recorder's lock. */
  public final class Pending {
    private final int id;
    private final String client;
    private final String key;
    private final Input input;
    private final long invokeNanos;
    private @Nullable Operation completed;

    private Pending(int id, String client, String key, Input input, long invokeNanos) {
      this.id = id;
      this.client = Objects.requireNonNull(client, "client");
      this.key = Objects.requireNonNull(key, "key");
      this.input = Objects.requireNonNull(input, "input");
      this.invokeNanos = invokeNanos;
    }

    /**
     * Records that the store answered now.
     *
     * @param output the answer; it must suit the kind of operation
     * @return the recorded operation
     */
    public Operation ok(Output output) {
      return complete(Outcome.ok(output));
    }

    /**
     * Records that the operation is known not to have taken effect (rejected before it was proposed).
     *
     * @return the recorded operation
     */
    public Operation failed() {
      return complete(Outcome.failed());
    }

    /**
     * Records that the client gave up without learning whether the operation took effect (a timeout).
     *
     * @return the recorded operation, whose response time is {@link Operation#NEVER}
     */
    public Operation unknown() {
      return complete(Outcome.unknown());
    }

    private Operation complete(Outcome outcome) {
      synchronized (HistoryRecorder.this) {
        if (completed != null) {
          throw new IllegalStateException("operation already ended: " + completed);
        }
        completed = new Operation(id, client, key, input, invokeNanos, clock.nanos(), outcome);
        return completed;
      }
    }

    private Operation asOperation() {
      Operation done = completed;
      return done != null ? done : new Operation(id, client, key, input, invokeNanos, Operation.NEVER,
          Outcome.unknown());
    }
  }
}
