package io.polis.sim.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes why one key's operations are not linearizable, for a person: the longest order the search
 * managed (with the state after each operation), the completed operation whose deadline then came, and
 * why each operation that could have gone next did not.
 */
final class ViolationReport {

  /** How many operations of the longest order to show: the end is where the problem is. */
  private static final int SHOWN_STEPS = 12;
  /** Up to this many operations on the key, the report lists them all. */
  private static final int LISTED_OPERATIONS = 24;

  private ViolationReport() {}

  /**
   * @param key the key
   * @param operations its operations by slot: completed ones first, then those of unknown outcome
   * @param completedCount how many of them completed
   * @param longest the slots of the longest order found, in order
   * @param model the specification
   * @return a multi-line explanation
   */
  static String explain(String key, List<Operation> operations, int completedCount, int[] longest,
      RegisterModel model) {
    StringBuilder out = new StringBuilder("not linearizable: key ").append(RegisterState.show(key))
        .append(": no order of its ").append(completedCount).append(" completed operations");
    if (operations.size() > completedCount) {
      out.append(" (and ").append(operations.size() - completedCount).append(" of unknown outcome)");
    }
    out.append(" respects real time and the register model.\n");

    boolean[] placed = new boolean[operations.size()];
    List<String> steps = new ArrayList<>();
    RegisterState state = model.initial();
    int completedPlaced = 0;
    for (int slot : longest) {
      Operation operation = operations.get(slot);
      state = Objects.requireNonNull(model.step(state, operation), "the search only records valid orders");
      placed[slot] = true;
      completedPlaced += operation.isOk() ? 1 : 0;
      steps.add("  " + operation + "  => " + state
          + (operation.isUnknown() ? "  (outcome unknown; assumed to take effect here)" : ""));
    }
    // The search drops orders it can foresee failing; carry the longest one on as far as the model and
    // real time allow, so that it ends where a person can see the problem.
    for (Integer slot = nextThatFits(operations, completedCount, placed, state, model); slot != null;
        slot = nextThatFits(operations, completedCount, placed, state, model)) {
      Operation operation = operations.get(slot);
      state = Objects.requireNonNull(model.step(state, operation));
      placed[slot] = true;
      completedPlaced++;
      steps.add("  " + operation + "  => " + state);
    }
    out.append("Longest consistent order found: ").append(completedPlaced).append(" of ")
        .append(completedCount).append(" completed operations");
    if (steps.isEmpty()) {
      out.append("; none can go first.\n");
    } else {
      out.append(steps.size() > SHOWN_STEPS ? " (last " + SHOWN_STEPS + " steps shown)" : "").append(":\n");
      steps.subList(Math.max(0, steps.size() - SHOWN_STEPS), steps.size()).forEach(s -> out.append(s).append('\n'));
    }

    Operation due = firstDue(operations, completedCount, placed);
    out.append("Then ").append(due).append(" had to take effect by ").append(due.responseNanos())
        .append(", but from ").append(state).append(" nothing invoked by then can go next:\n");
    for (int slot = 0; slot < operations.size(); slot++) {
      Operation candidate = operations.get(slot);
      if (!placed[slot] && candidate.invokeNanos() <= due.responseNanos()) {
        out.append("  ").append(candidate).append(": ").append(reason(model, state, candidate)).append('\n');
      }
    }
    if (operations.size() <= LISTED_OPERATIONS) {
      out.append("All operations on this key, by invocation:\n");
      operations.stream().sorted(Comparator.comparingLong(Operation::invokeNanos).thenComparingInt(Operation::id))
          .forEach(operation -> out.append("  ").append(operation).append('\n'));
    }
    return out.toString();
  }

  /**
   * The first completed operation, in order of invocation, that may go next and fits the state,
   * preferring one that keeps the state, so that reads are not left behind by a write that could wait.
   */
  private static @Nullable Integer nextThatFits(List<Operation> operations, int completedCount, boolean[] placed,
      RegisterState state, RegisterModel model) {
    boolean anyLeft = false;
    for (int slot = 0; slot < completedCount && !anyLeft; slot++) {
      anyLeft = !placed[slot];
    }
    if (!anyLeft) {
      return null;
    }
    long deadline = firstDue(operations, completedCount, placed).responseNanos();
    Integer changing = null;
    for (int slot = 0; slot < completedCount; slot++) {
      Operation operation = operations.get(slot);
      RegisterState next = placed[slot] || operation.invokeNanos() > deadline ? null : model.step(state, operation);
      if (next != null && next.equals(state)) {
        return slot;
      }
      if (next != null && changing == null) {
        changing = slot;
      }
    }
    return changing;
  }

  /** The unplaced completed operation that responded first: the one the search could not get past. */
  private static Operation firstDue(List<Operation> operations, int completedCount, boolean[] placed) {
    Operation due = null;
    for (int slot = 0; slot < completedCount; slot++) {
      Operation operation = operations.get(slot);
      if (!placed[slot] && (due == null || operation.responseNanos() < due.responseNanos())) {
        due = operation;
      }
    }
    return Objects.requireNonNull(due, "a violation leaves a completed operation unplaced");
  }

  private static String reason(RegisterModel model, RegisterState state, Operation candidate) {
    if (model.step(state, candidate) == null) {
      return "contradicts the model, which answers " + model.apply(state, candidate.input()).output();
    }
    return "fits, but every order continuing with it fails";
  }
}
