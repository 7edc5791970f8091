package io.polis.sim.linearizability;

import io.polis.sim.linearizability.PartialLinearization.Choice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The Wing–Gong search, with Lowe's memo of configurations, for one key's operations (Wing and Gong,
 * "Testing and verifying concurrent objects", 1993; Lowe, "Testing for linearizability", 2017; the
 * porcupine checker follows the same design).
 *
 * <p>Calls and returns of completed operations sit in one time-ordered list. Walking it from the front,
 * every call met before the first return is an operation that may take effect next; the search tries
 * to place it ({@link PartialLinearization#tryPlace}) and, if that works, lifts it out of the list and
 * walks again from the front. Meeting a return means that operation's deadline has come: the search
 * tries the operations of unknown outcome invoked by then, newest first, and if none can go, it
 * backtracks. A completed operation that fits is the only option worth trying where it fits, so undoing
 * one means undoing further, back to the last operation of unknown outcome, whose next alternative is
 * then tried. Each configuration (placed set, state) is expanded at most once, so the search is bounded
 * by the reachable configurations rather than by the orders. Operations of unknown outcome need never
 * be placed; the search succeeds once every completed operation is.
 *
 * <p>Cost: with no unknown outcomes the search never branches and takes about one step per operation
 * plus the walk over the few concurrent calls; each unknown operation pending at a dead end may multiply
 * the configurations, which the step budget bounds.
 *
 * <p>Not thread-safe; one instance runs one search.
 */
final class KeySearch {

  /** Where the walk is. */
  private enum Phase {
    /** Among the completed operations' calls, up to the first return. */
    COMPLETED,
    /** Among the unknown operations invoked by the first return. */
    UNKNOWN,
    /** Undoing placements. */
    BACKTRACK
  }

  private final String key;
  private final List<Operation> operations;
  private final int completedCount;
  private final RegisterModel model;
  private final long budget;
  private final EntryList completed;
  private final Entry[] unknownCalls;
  private final UnknownCandidates unknown;
  private final PartialLinearization order;
  private int[] longest = new int[0];
  private int longestCompleted = -1;

  /**
   * @param key the key all operations act on
   * @param keyOperations its completed and unknown operations (no failed ones)
   * @param model the sequential specification
   * @param budget how many steps the search may take before giving up
   */
  KeySearch(String key, List<Operation> keyOperations, RegisterModel model, long budget) {
    this.key = key;
    this.model = model;
    this.budget = budget;
    Comparator<Operation> byInvocation =
        Comparator.comparingLong(Operation::invokeNanos).thenComparingInt(Operation::id);
    List<Operation> ordered = new ArrayList<>(keyOperations.stream().filter(Operation::isOk)
        .sorted(byInvocation).toList());
    this.completedCount = ordered.size();
    ordered.addAll(keyOperations.stream().filter(Operation::isUnknown).sorted(byInvocation).toList());
    this.operations = List.copyOf(ordered);

    List<Entry> completedEntries = new ArrayList<>();
    VersionFloor floor = new VersionFloor();
    this.unknownCalls = new Entry[operations.size() - completedCount];
    for (int slot = 0; slot < operations.size(); slot++) {
      Entry call = Entry.callOf(slot, operations.get(slot));
      if (slot < completedCount) {
        completedEntries.add(call);
        completedEntries.add(Entry.returnOf(call));
        floor.add(call.operation);
      } else {
        unknownCalls[slot - completedCount] = call;
      }
    }
    completedEntries.sort(Entry::byTime);
    this.completed = new EntryList(completedEntries);
    this.unknown = new UnknownCandidates(operations.subList(completedCount, operations.size()), completedCount,
        operations);
    this.order = new PartialLinearization(model, completedCount, completed, unknown,
        new ValueWitnesses(operations), floor, operations.size());
  }

  /** @return whether a linearization exists, or that the budget ran out first */
  KeyVerdict run() {
    long steps = 0;
    Phase phase = Phase.COMPLETED;
    @Nullable Entry cursor = completed.first();
    @Nullable Entry due = null;
    int candidate = -1;
    while (!order.allCompletedPlaced()) {
      if (steps++ == budget) {
        return KeyVerdict.exhausted(key, operations.size(), budget);
      }
      switch (phase) {
        case COMPLETED -> {
          Entry entry = Objects.requireNonNull(cursor, "a completed call always precedes its return");
          if (!entry.call) {
            due = entry;
            candidate = unknown.newestBy(due.time);
            phase = Phase.UNKNOWN;
          } else {
            switch (order.tryPlace(entry, null)) {
              case PLACED -> cursor = completed.first();
              case REFUSED -> cursor = entry.next;
              case DEAD_END -> phase = Phase.BACKTRACK;
            }
          }
        }
        case UNKNOWN -> {
          if (candidate < 0) {
            phase = Phase.BACKTRACK;
          } else if (order.tryPlace(unknownCalls[candidate], due) == PartialLinearization.Attempt.PLACED) {
            cursor = completed.first();
            phase = Phase.COMPLETED;
          } else {
            candidate = unknown.olderThan(candidate);
          }
        }
        case BACKTRACK -> {
          noteDeadEnd();
          if (order.isEmpty()) {
            return KeyVerdict.violated(key, steps,
                ViolationReport.explain(key, operations, completedCount, longest, model));
          }
          Choice undone = order.undo();
          if (undone.forced()) {
            continue; // nothing else was worth trying there: keep undoing
          }
          if (undone.entry().operation.isOk()) {
            cursor = undone.entry().next;
            phase = Phase.COMPLETED;
          } else {
            due = completed.firstReturn();
            candidate = unknown.olderThan(unknown.index(undone.entry().slot));
            phase = Phase.UNKNOWN;
          }
        }
      }
    }
    return KeyVerdict.linearizable(key, steps);
  }

  /** Keeps the order that placed the most completed operations, for the explanation. */
  private void noteDeadEnd() {
    if (order.completedPlaced() > longestCompleted) {
      longestCompleted = order.completedPlaced();
      longest = order.slots();
    }
  }
}
