package io.polis.sim.linearizability;

import java.util.Objects;

/**
 * One client operation of a recorded history: what was asked, on which key, when, and how it ended.
 *
 * <p>Times are the simulator's virtual nanoseconds. The operation's interval runs from
 * {@code invokeNanos} (the client sent it) to {@code responseNanos} (the client heard back). Two
 * operations whose intervals merely touch (one responds at the very nanosecond the other is invoked)
 * count as concurrent: a simulator can deliver both events at one instant, so only a strictly earlier
 * response orders two operations in real time.
 *
 * @param id a number unique within the history, to name the operation in explanations
 * @param client the client that issued it; a client issues one operation at a time
 * @param key the key it acts on
 * @param input what it asked for
 * @param invokeNanos when it was invoked
 * @param responseNanos when its client heard back; always {@link #NEVER} for an {@link Outcome.Unknown}
 *     outcome, whatever is passed, because such an operation may take effect at any later time
 * @param outcome how it ended
 */
public record Operation(
    int id, String client, String key, Input input, long invokeNanos, long responseNanos, Outcome outcome) {

  /** The response time of an operation whose client never learned its result: infinitely late. */
  public static final long NEVER = Long.MAX_VALUE;

  /** Checks that the interval is not reversed and that the output suits the kind of operation. */
  public Operation {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(outcome, "outcome");
    if (outcome instanceof Outcome.Unknown) {
      responseNanos = NEVER;
    }
    if (responseNanos < invokeNanos) {
      throw new IllegalArgumentException(
          "operation #" + id + " responds at " + responseNanos + ", before its invocation at " + invokeNanos);
    }
    if (outcome instanceof Outcome.Ok ok && !ok.output().answers(input.kind())) {
      throw new IllegalArgumentException("a " + input.kind() + " cannot answer " + ok.output());
    }
  }

  /** @return the kind of operation */
  public OperationKind kind() {
    return input.kind();
  }

  /** @return whether the store answered it */
  public boolean isOk() {
    return outcome instanceof Outcome.Ok;
  }

  /** @return whether it may or may not have taken effect */
  public boolean isUnknown() {
    return outcome instanceof Outcome.Unknown;
  }

  /** @return whether it definitely did not take effect */
  public boolean isFailed() {
    return outcome instanceof Outcome.Failed;
  }

  /**
   * Returns a copy with another outcome, for tests that alter a recorded history.
   *
   * @param newOutcome the outcome to claim
   * @param newResponseNanos the response time to claim
   * @return the altered operation
   */
  public Operation withOutcome(Outcome newOutcome, long newResponseNanos) {
    return new Operation(id, client, key, input, invokeNanos, newResponseNanos, newOutcome);
  }

  /** Reads like {@code #7 c2 CAS k "a"->"b" ok swapped at version 4 [100, 250]}. */
  @Override
  public String toString() {
    String arguments = input.toString();
    return "#" + id + " " + client + " " + kind() + " " + key + (arguments.isEmpty() ? "" : " " + arguments)
        + " " + outcome + " [" + invokeNanos + ", " + (responseNanos == NEVER ? "never" : responseNanos) + "]";
  }
}
