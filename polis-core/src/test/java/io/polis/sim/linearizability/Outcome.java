package io.polis.sim.linearizability;

/**
 * How an operation ended, as far as its client knows. The checker treats the three cases differently:
 * an {@link Ok} operation took effect exactly once between its invocation and its response; a
 * {@link Failed} one never took effect; an {@link Unknown} one may have taken effect at any time after
 * its invocation, or never.
 */
public sealed interface Outcome {

  /**
   * @param output what the store answered
   * @return a completed operation's outcome
   */
  static Outcome ok(Output output) {
    return new Ok(output);
  }

  /** @return the outcome of an operation known not to have taken effect */
  static Outcome failed() {
    return new Failed();
  }

  /** @return the outcome of an operation whose effect is unknown */
  static Outcome unknown() {
    return new Unknown();
  }

  /**
   * The store answered.
   *
   * @param output the answer
   */
  record Ok(Output output) implements Outcome {
    @Override
    public String toString() {
      return "ok " + output;
    }
  }

  /**
   * The operation definitely did not take effect: for example, the store rejected it before proposing
   * it to the Raft log, so no replica will ever apply it.
   */
  record Failed() implements Outcome {
    @Override
    public String toString() {
      return "failed";
    }
  }

  /**
   * The client never learned the result (a timeout, a lost connection, a leader that crashed after
   * proposing): the operation may take effect at any time after its invocation, even after later
   * operations of the same client, or never.
   */
  record Unknown() implements Outcome {
    @Override
    public String toString() {
      return "unknown";
    }
  }
}
