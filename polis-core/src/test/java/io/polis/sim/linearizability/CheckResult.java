package io.polis.sim.linearizability;

import org.jspecify.annotations.Nullable;

/**
 * The checker's verdict on a history.
 *
 * @param verdict linearizable, not, or undecided because the step budget ran out
 * @param key the key the explanation is about; {@code null} when linearizable
 * @param explanation why the history is not linearizable, or which key was left undecided; a short
 *     summary when linearizable
 * @param steps search steps taken over all keys, a measure of the checker's work
 */
public record CheckResult(Verdict verdict, @Nullable String key, String explanation, long steps) {

  /** The three possible answers. */
  public enum Verdict {
    /** Every key's operations have an order that respects real time and the model. */
    LINEARIZABLE,
    /** Some key's operations have no such order. */
    NOT_LINEARIZABLE,
    /** The search ran out of steps on some key before deciding, and found no violation elsewhere. */
    UNKNOWN
  }

  /** @return whether the history was shown linearizable */
  public boolean isLinearizable() {
    return verdict == Verdict.LINEARIZABLE;
  }

  @Override
  public String toString() {
    return verdict + (key == null ? "" : " on key " + RegisterState.show(key)) + " (" + steps + " steps)\n"
        + explanation;
  }
}
