package io.polis.sim.linearizability;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A reference checker with nothing clever in it, for small histories: it tries every order that real
 * time allows, placing or leaving out each operation of unknown outcome, and nothing else. Exponential,
 * so only for a handful of operations per key.
 */
final class BruteForceChecker {

  private final RegisterModel model;

  BruteForceChecker(RegisterModel model) {
    this.model = model;
  }

  boolean isLinearizable(List<Operation> history) {
    Map<String, List<Operation>> byKey = history.stream().filter(op -> !op.isFailed())
        .collect(Collectors.groupingBy(Operation::key));
    return byKey.values().stream().allMatch(ops -> search(ops, new boolean[ops.size()], model.initial()));
  }

  private boolean search(List<Operation> ops, boolean[] placed, RegisterState state) {
    long deadline = Long.MAX_VALUE;
    for (int i = 0; i < ops.size(); i++) {
      if (!placed[i] && ops.get(i).isOk()) {
        deadline = Math.min(deadline, ops.get(i).responseNanos());
      }
    }
    if (deadline == Long.MAX_VALUE) {
      return true; // every completed operation is placed; unknown ones may stay out
    }
    for (int i = 0; i < ops.size(); i++) {
      if (!placed[i] && ops.get(i).invokeNanos() <= deadline) {
        RegisterState next = model.step(state, ops.get(i));
        if (next != null) {
          placed[i] = true;
          boolean found = search(ops, placed, next);
          placed[i] = false;
          if (found) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
