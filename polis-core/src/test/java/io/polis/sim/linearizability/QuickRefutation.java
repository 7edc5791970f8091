package io.polis.sim.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Necessary conditions of the {@link RegisterModel} that refute a key's history in O(n log n), before
 * any search. The search alone would find these violations too, but only by exhausting every order of
 * everything before them, which operations of unknown outcome can make exponential; these are the
 * classic bugs (stale reads, lost updates, phantom values), so they deserve a fast, direct answer that
 * names the two operations involved.
 *
 * <ol>
 *   <li>Versions never decrease: if A responded before B was invoked, B's version is at least A's, and
 *       above it if B certainly changed the key.
 *   <li>Each version is made once: two completed operations that certainly changed the key cannot
 *       answer the same version.
 *   <li>Values come from writes: a value that a GET read or a successful CAS expected was written by
 *       some PUT or CAS invoked before that operation responded.
 * </ol>
 */
final class QuickRefutation {

  private QuickRefutation() {}

  /**
   * @param key the key
   * @param operations its completed and unknown operations
   * @param model the specification, for what a DELETE of an absent key does
   * @return why the operations cannot be linearizable, or empty if these conditions hold
   */
  static Optional<String> refute(String key, List<Operation> operations, RegisterModel model) {
    List<Operation> completed = operations.stream().filter(Operation::isOk).toList();
    String why = versionsRunBackwards(completed, model);
    if (why == null) {
      why = versionMadeTwice(completed, model);
    }
    if (why == null) {
      why = valueNeverWritten(operations);
    }
    return Optional.ofNullable(why).map(w -> "not linearizable: key " + RegisterState.show(key) + ": " + w);
  }

  private static @Nullable String versionsRunBackwards(List<Operation> completed, RegisterModel model) {
    List<Operation> byResponse = sorted(completed, Comparator.comparingLong(Operation::responseNanos));
    Operation highest = null;
    int next = 0;
    for (Operation later : sorted(completed, Comparator.comparingLong(Operation::invokeNanos))) {
      while (next < byResponse.size() && byResponse.get(next).responseNanos() < later.invokeNanos()) {
        Operation earlier = byResponse.get(next++);
        if (highest == null || version(earlier) > version(highest)) {
          highest = earlier;
        }
      }
      if (highest != null && (version(later) < version(highest)
          || version(later) == version(highest) && certainlyChanges(later, model))) {
        return highest + " responded before " + later + " was invoked, so the latter cannot answer version "
            + version(later) + ": versions never decrease, and the former answered " + version(highest)
            + (certainlyChanges(later, model) ? ", which a change must move past" : "")
            + ".\n";
      }
    }
    return null;
  }

  private static @Nullable String versionMadeTwice(List<Operation> completed, RegisterModel model) {
    Map<Long, Operation> maker = new HashMap<>();
    for (Operation operation : completed) {
      if (certainlyChanges(operation, model)) {
        Operation other = maker.putIfAbsent(version(operation), operation);
        if (other != null) {
          return other + " and " + operation + " both changed the key to version " + version(operation)
              + ", but each version is made by one change.\n";
        }
      }
    }
    return null;
  }

  private static @Nullable String valueNeverWritten(List<Operation> operations) {
    Map<String, Long> firstWriteInvoked = new HashMap<>();
    for (Operation operation : operations) {
      String written = operation.input() instanceof Input.Put put ? put.value()
          : operation.input() instanceof Input.Cas cas ? cas.newValue() : null;
      boolean knownNotToWrite = operation.outcome() instanceof Outcome.Ok ok
          && ok.output() instanceof Output.CasResult result && !result.succeeded();
      if (written != null && !knownNotToWrite) {
        firstWriteInvoked.merge(written, operation.invokeNanos(), Math::min);
      }
    }
    for (Operation operation : operations) {
      String seen = seenValue(operation);
      if (seen != null && firstWriteInvoked.getOrDefault(seen, Long.MAX_VALUE) > operation.responseNanos()) {
        return operation + " saw " + RegisterState.show(seen)
            + ", but no operation invoked before it responded writes that value.\n";
      }
    }
    return null;
  }

  /** The value a completed operation saw the key hold, if it saw one. */
  private static @Nullable String seenValue(Operation operation) {
    if (!(operation.outcome() instanceof Outcome.Ok ok)) {
      return null;
    }
    if (ok.output() instanceof Output.Read read) {
      return read.value();
    }
    return ok.output() instanceof Output.CasResult result && result.succeeded()
        ? ((Input.Cas) operation.input()).expected() : null;
  }

  private static boolean certainlyChanges(Operation operation, RegisterModel model) {
    Output output = ((Outcome.Ok) operation.outcome()).output();
    return switch (operation.kind()) {
      case PUT -> true;
      case CAS -> ((Output.CasResult) output).succeeded();
      case DELETE -> model.deleteOfAbsent() == RegisterModel.DeleteOfAbsent.INCREMENTS_VERSION;
      case GET -> false;
    };
  }

  private static long version(Operation completed) {
    return ((Outcome.Ok) completed.outcome()).output().version();
  }

  private static List<Operation> sorted(List<Operation> operations, Comparator<Operation> order) {
    List<Operation> copy = new ArrayList<>(operations);
    copy.sort(order.thenComparingInt(Operation::id));
    return copy;
  }
}
