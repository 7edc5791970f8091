package io.polis.sim.linearizability;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Who can still write each value of a key, and the latest version at which a completed operation saw it,
 * so that the search can refuse a placement that leaves some observation impossible long before it
 * reaches that observation.
 *
 * <p>Once the last operation able to write a value v has been placed, at version x, the key can hold v
 * only while its version stays x: versions only grow, and nothing else writes v. A completed operation
 * that saw v at a later version can then never be satisfied. This matters most when clients write unique
 * values: without it, a timed-out write whose value a later read saw could be spent early as a mere
 * "version filler", and the search would learn its mistake only at that read, after exploring everything
 * in between.
 *
 * <p>Mutable, in step with the search's placements; not thread-safe.
 */
final class ValueWitnesses {

  /** For each value, the highest version at which a completed operation saw the key hold it. */
  private final Map<String, Long> lastSeen = new HashMap<>();
  /** For each value, how many unplaced operations might still write it. */
  private final Map<String, int[]> writersLeft = new HashMap<>();

  /** @param operations all of a key's completed and unknown operations */
  ValueWitnesses(List<Operation> operations) {
    for (Operation operation : operations) {
      String written = mayWrite(operation);
      if (written != null) {
        writersLeft.computeIfAbsent(written, v -> new int[1])[0]++;
      }
      if (operation.outcome() instanceof Outcome.Ok ok) {
        seen(operation.input(), ok.output());
      }
    }
  }

  /**
   * @param operation an operation about to be placed
   * @param after the state it leaves
   * @return whether placing it leaves a completed operation that saw its value at a later version
   *     without any possible writer
   */
  boolean strands(Operation operation, RegisterState after) {
    String written = mayWrite(operation);
    if (written == null || !written.equals(after.value())) {
      return false;
    }
    Long seenAt = lastSeen.get(written);
    return seenAt != null && seenAt > after.version() && writersLeft.get(written)[0] == 1;
  }

  void place(Operation operation) {
    String written = mayWrite(operation);
    if (written != null) {
      writersLeft.get(written)[0]--;
    }
  }

  void unplace(Operation operation) {
    String written = mayWrite(operation);
    if (written != null) {
      writersLeft.get(written)[0]++;
    }
  }

  /** The value an operation may write: a PUT's, or a CAS's new one unless it is known not to have swapped. */
  private static @Nullable String mayWrite(Operation operation) {
    if (operation.input() instanceof Input.Put put) {
      return put.value();
    }
    boolean knownNotSwapped = operation.outcome() instanceof Outcome.Ok ok
        && ok.output() instanceof Output.CasResult cas && !cas.succeeded();
    return operation.input() instanceof Input.Cas cas && !knownNotSwapped ? cas.newValue() : null;
  }

  private void seen(Input input, Output output) {
    if (output instanceof Output.Read read && read.value() != null) {
      lastSeen.merge(read.value(), read.version(), Math::max);
    } else if (input instanceof Input.Cas cas && output instanceof Output.CasResult result && result.succeeded()
        && cas.expected() != null) {
      // A successful CAS saw its expected value at the version just before its own.
      lastSeen.merge(cas.expected(), result.version() - 1, Math::max);
    }
  }
}
