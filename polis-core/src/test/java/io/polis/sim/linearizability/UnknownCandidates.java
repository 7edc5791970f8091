package io.polis.sim.linearizability;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A key's operations of unknown outcome, as the search's candidates: each may go next only if it was
 * invoked by the time of the due return, and the search tries them newest first, because an old one
 * still unplaced most likely never took effect, while a completed operation that needs an unknown effect
 * most likely needs a recent one.
 *
 * <p>It also breaks symmetry between interchangeable operations: placing the later-invoked of two leaves
 * the earlier one, which may go anywhere the later one may, so placing the earlier one while the later
 * is still available can never succeed where the other choice fails, and is skipped. Two operations are
 * interchangeable when their inputs are equal, and also when they differ only in a written value that
 * nothing can observe: in the {@link RegisterModel} a value shows only in a GET's answer and in a CAS's
 * comparison, so if no completed GET answered it and no CAS expects it, a state holding it behaves like
 * one holding the other until the next change, which makes both states equal again. This matters when
 * clients write unique values: every unobserved timed-out write is then one more interchangeable
 * "version filler".
 */
final class UnknownCandidates {

  private final int firstSlot;
  private final long[] invokes;
  /** For each candidate, the next later-invoked one interchangeable with it, or -1. */
  private final int[] laterTwin;
  /** The candidates not placed in the current order, so that a walk skips placed ones a word at a time. */
  private final BitSet unplaced;

  /**
   * @param operations the unknown operations in order of invocation
   * @param firstSlot the slot of the first of them; the others follow
   * @param all all the key's operations, to find which values can be observed
   */
  UnknownCandidates(List<Operation> operations, int firstSlot, List<Operation> all) {
    Set<String> observable = observableValues(all);
    List<Role> roles = operations.stream().map(op -> Role.of(op.input(), observable)).toList();
    this.firstSlot = firstSlot;
    this.invokes = operations.stream().mapToLong(Operation::invokeNanos).toArray();
    this.laterTwin = new int[operations.size()];
    Arrays.fill(laterTwin, -1);
    this.unplaced = new BitSet(operations.size());
    unplaced.set(0, operations.size());
    for (int i = 0; i < operations.size(); i++) {
      for (int j = i + 1; j < operations.size(); j++) {
        if (roles.get(j).equals(roles.get(i))) {
          laterTwin[i] = j;
          break;
        }
      }
    }
  }

  /**
   * @param deadline the due return's time
   * @return the index of the newest unplaced candidate invoked by then, or -1 if there is none
   */
  int newestBy(long deadline) {
    int low = 0;
    int high = invokes.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (invokes[mid] <= deadline) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return olderThan(low);
  }

  /** @return the index of the newest unplaced candidate older than {@code index}, or -1 */
  int olderThan(int index) {
    return index <= 0 ? -1 : unplaced.previousSetBit(index - 1);
  }

  void place(int index) {
    unplaced.clear(index);
  }

  void unplace(int index) {
    unplaced.set(index);
  }

  /** @return the index of the candidate in {@code slot} */
  int index(int slot) {
    return slot - firstSlot;
  }

  /**
   * @return whether an identical candidate invoked later, but by the deadline, is still unplaced, so that
   *     placing this one is pointless
   */
  boolean dominated(int index, long deadline) {
    for (int twin = laterTwin[index]; twin != -1 && invokes[twin] <= deadline; twin = laterTwin[twin]) {
      if (unplaced.get(twin)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> observableValues(List<Operation> all) {
    Set<String> values = new HashSet<>();
    for (Operation operation : all) {
      if (operation.input() instanceof Input.Cas cas && cas.expected() != null) {
        values.add(cas.expected());
      }
      if (operation.outcome() instanceof Outcome.Ok ok && ok.output() instanceof Output.Read read
          && read.value() != null) {
        values.add(read.value());
      }
    }
    return values;
  }

  /**
   * What an operation can do, as far as anything can tell.
   *
   * @param kind its kind
   * @param expected a CAS's expected value
   * @param written the value it writes, if something can observe it; {@code null} otherwise
   */
  private record Role(OperationKind kind, @Nullable String expected, @Nullable String written) {
    static Role of(Input input, Set<String> observable) {
      if (input instanceof Input.Put put) {
        return new Role(OperationKind.PUT, null, observable.contains(put.value()) ? put.value() : null);
      }
      if (input instanceof Input.Cas cas) {
        return new Role(OperationKind.CAS, cas.expected(),
            observable.contains(cas.newValue()) ? cas.newValue() : null);
      }
      return new Role(input.kind(), null, null);
    }
  }
}
