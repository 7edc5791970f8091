package io.polis.sim.linearizability;

/**
 * The result of searching one key's operations.
 *
 * @param key the key
 * @param verdict whether they are linearizable, not, or undecided within the budget
 * @param steps the steps the search took
 * @param explanation why they are not linearizable, or why undecided; empty when linearizable
 */
record KeyVerdict(String key, CheckResult.Verdict verdict, long steps, String explanation) {

  static KeyVerdict linearizable(String key, long steps) {
    return new KeyVerdict(key, CheckResult.Verdict.LINEARIZABLE, steps, "");
  }

  static KeyVerdict violated(String key, long steps, String explanation) {
    return new KeyVerdict(key, CheckResult.Verdict.NOT_LINEARIZABLE, steps, explanation);
  }

  static KeyVerdict exhausted(String key, int operations, long budget) {
    return new KeyVerdict(key, CheckResult.Verdict.UNKNOWN, budget, "unknown (budget exhausted): the "
        + operations + " operations on key " + RegisterState.show(key) + " were not decided within " + budget
        + " search steps; raise the step budget or check a shorter history");
  }
}
