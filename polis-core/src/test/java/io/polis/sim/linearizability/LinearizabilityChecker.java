package io.polis.sim.linearizability;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks that a recorded history of the key-value store is linearizable with respect to the
 * {@link RegisterModel}: that there is one order of its operations, consistent with the order in which
 * they happened in real time, in which every completed operation gets exactly the answer it got.
 *
 * <p>Operations on different keys never interact, so the history is split by key and each key searched
 * on its own (linearizability is local: Herlihy and Wing, 1990); the history is linearizable if
 * and only if every key's part is. {@link Outcome.Failed} operations are dropped: they did not take
 * effect. {@link Outcome.Unknown} ones may be placed anywhere after their invocation or nowhere; an
 * unknown GET changes nothing and is dropped too.
 *
 * <p>Each key is first run past {@link QuickRefutation}, which catches stale reads, lost updates and
 * phantom values in O(n log n) and names the operations involved; then searched ({@link KeySearch}),
 * which is complete but exponential in the worst case. The search is bounded by a step budget per key;
 * a key that exhausts it yields {@link CheckResult.Verdict#UNKNOWN} rather than a long hang. The search
 * memoises configurations, at most one per step, so the budget bounds memory too.
 *
 * <p>Stateless apart from its settings; safe to share.
 */
public final class LinearizabilityChecker {

  /**
   * Steps each key's search may take by default. A linearizable history takes about one step per
   * operation (measured: 5,000 operations by 5 clients on 8 keys, some timed out, in about 5,000 steps
   * and tens of milliseconds). A violation the quick refutations miss can take the search far more,
   * when many operations timed out; this budget caps that at a second or two and well under a million
   * memo entries (about a hundred megabytes) per key.
   */
  public static final long DEFAULT_STEP_BUDGET = 2_000_000;

  private final RegisterModel model;
  private final long stepBudget;
  private final boolean quickRefutations;

  /** Creates a checker with the default model and {@link #DEFAULT_STEP_BUDGET}. */
  public LinearizabilityChecker() {
    this(new RegisterModel(), DEFAULT_STEP_BUDGET);
  }

  /**
   * Creates a checker.
   *
   * @param model the sequential specification
   * @param stepBudget steps each key's search may take; positive
   */
  public LinearizabilityChecker(RegisterModel model, long stepBudget) {
    this(model, stepBudget, true);
  }

  private LinearizabilityChecker(RegisterModel model, long stepBudget, boolean quickRefutations) {
    if (stepBudget <= 0) {
      throw new IllegalArgumentException("step budget must be positive: " + stepBudget);
    }
    this.model = Objects.requireNonNull(model, "model");
    this.stepBudget = stepBudget;
    this.quickRefutations = quickRefutations;
  }

  /**
   * Creates a checker that skips {@link QuickRefutation} and decides by search alone, for tests that
   * must show the search catches what the quick checks would.
   */
  static LinearizabilityChecker searchOnly(RegisterModel model, long stepBudget) {
    return new LinearizabilityChecker(model, stepBudget, false);
  }

  /**
   * Checks a history. Every key is searched, so that a violation is reported even when another key
   * exhausts its budget.
   *
   * @param history the operations, in any order; ids should be unique so that explanations are clear
   * @return the verdict, with the first violating (or else undecided) key in key order and its explanation
   */
  public CheckResult check(Collection<Operation> history) {
    List<KeyVerdict> violated = new ArrayList<>();
    List<KeyVerdict> undecided = new ArrayList<>();
    long steps = 0;
    Map<String, List<Operation>> byKey = partition(history);
    for (Map.Entry<String, List<Operation>> part : byKey.entrySet()) {
      KeyVerdict verdict = checkKey(part.getKey(), part.getValue());
      steps += verdict.steps();
      switch (verdict.verdict()) {
        case NOT_LINEARIZABLE -> violated.add(verdict);
        case UNKNOWN -> undecided.add(verdict);
        case LINEARIZABLE -> { }
      }
    }
    if (!violated.isEmpty()) {
      KeyVerdict first = violated.get(0);
      String others = violated.size() == 1 ? ""
          : "Other keys not linearizable: " + violated.subList(1, violated.size()).stream()
              .map(KeyVerdict::key).toList() + "\n";
      return new CheckResult(CheckResult.Verdict.NOT_LINEARIZABLE, first.key(), first.explanation() + others, steps);
    }
    if (!undecided.isEmpty()) {
      KeyVerdict first = undecided.get(0);
      return new CheckResult(CheckResult.Verdict.UNKNOWN, first.key(), first.explanation(), steps);
    }
    return new CheckResult(CheckResult.Verdict.LINEARIZABLE, null,
        "linearizable: " + history.size() + " operations on " + byKey.size() + " keys", steps);
  }

  private KeyVerdict checkKey(String key, List<Operation> operations) {
    if (quickRefutations) {
      Optional<String> refuted = QuickRefutation.refute(key, operations, model);
      if (refuted.isPresent()) {
        return KeyVerdict.violated(key, 0, refuted.get());
      }
    }
    return new KeySearch(key, operations, model, stepBudget).run();
  }

  /** Groups the operations that can matter by key, in key order so that reports are reproducible. */
  private static Map<String, List<Operation>> partition(Collection<Operation> history) {
    Map<String, List<Operation>> byKey = new TreeMap<>();
    for (Operation operation : history) {
      boolean mayMatter = operation.isOk() || (operation.isUnknown() && operation.kind() != OperationKind.GET);
      if (mayMatter) {
        byKey.computeIfAbsent(operation.key(), k -> new ArrayList<>()).add(operation);
      }
    }
    return byKey;
  }
}
