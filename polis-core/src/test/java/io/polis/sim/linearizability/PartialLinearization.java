package io.polis.sim.linearizability;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The order the search is building for one key: a stack of placed operations, the model state they
 * reach, and everything that must change in step with them. Undoing restores everything exactly.
 *
 * <p>Placing refuses what cannot lead to a linearization, each rule sound on its own:
 * <ul>
 *   <li>the model disagrees with the operation's recorded answer;
 *   <li>the resulting (placed set, state) was explored before (Lowe's memo);
 *   <li>the state would pass the version of an unplaced completed operation ({@link VersionFloor}), or
 *       strand a value some completed operation saw later ({@link ValueWitnesses});
 *   <li>for an unknown operation: it changes nothing, or it moves the key past what the due operation
 *       needs ({@link RegisterModel#couldStillApply}), or an interchangeable later one is available
 *       ({@link UnknownCandidates}).
 * </ul>
 * And a completed operation that fits is the only option worth trying where it fits (see
 * {@link #tryPlace}): the search branches only on operations of unknown outcome.
 *
 * <p>Not thread-safe; owned by one {@link KeySearch}.
 */
final class PartialLinearization {

  /** What came of an attempt to place an operation next. */
  enum Attempt {
    /** It is placed. */
    PLACED,
    /** It cannot go next; others may. */
    REFUSED,
    /** Nothing can go next with success: the order so far is a dead end. */
    DEAD_END
  }

  /**
   * One placed operation.
   *
   * @param entry its call
   * @param before the state before it
   * @param forced whether it was the only option worth trying where it was placed (a completed
   *     operation, see {@link #tryPlace}), so that undoing it leaves nothing else to try there
   */
  record Choice(Entry entry, RegisterState before, boolean forced) {}

  private final RegisterModel model;
  private final int completedCount;
  private final EntryList completed;
  private final UnknownCandidates unknown;
  private final ValueWitnesses witnesses;
  private final VersionFloor floor;
  private final LinearizedSet linearized;
  private final Set<LinearizedSet.Snapshot> explored = new HashSet<>();
  private final ArrayDeque<Choice> choices = new ArrayDeque<>();
  private RegisterState state;
  private int completedPlaced;

  PartialLinearization(RegisterModel model, int completedCount, EntryList completed, UnknownCandidates unknown,
      ValueWitnesses witnesses, VersionFloor floor, int operationCount) {
    this.model = model;
    this.completedCount = completedCount;
    this.completed = completed;
    this.unknown = unknown;
    this.witnesses = witnesses;
    this.floor = floor;
    this.linearized = new LinearizedSet(completedCount, operationCount - completedCount);
    this.state = model.initial();
  }

  /**
   * Tries to place an operation next.
   *
   * <p>A completed operation that fits, once the version floor admits it, is the only option worth
   * trying here. Its answer pins the version it takes effect at, which is the current one, and the floor
   * leaves no other completed operation that must come at this version before it. So in any valid
   * completion of this order, whatever comes before it is of unknown outcome and changes nothing, and
   * can be left out; moving it first keeps the completion valid (real time allows it, as it is a
   * candidate now). Hence undoing it leaves nothing else to try here, and if the memo or a pruning
   * refuses it, this order is a dead end. Only operations of unknown outcome make the search branch.
   *
   * @param call the operation's call: a completed operation's call met before the first return, or an
   *     unknown operation invoked by then
   * @param due for an unknown operation, the earliest return; {@code null} for a completed one
   * @return what came of it
   */
  Attempt tryPlace(Entry call, @Nullable Entry due) {
    if (call.operation.isUnknown()) {
      return tryPlaceUnknown(call, Objects.requireNonNull(due, "unknown operations are tried against a due return"));
    }
    RegisterState next = model.step(state, call.operation);
    if (next == null) {
      return Attempt.REFUSED;
    }
    floor.remove(call.operation);
    if (next.version() > floor.lowest()) {
      // Some other completed operation must come at the current version first.
      floor.add(call.operation);
      return Attempt.REFUSED;
    }
    if (!place(call, next, true)) {
      floor.add(call.operation);
      return Attempt.DEAD_END;
    }
    return Attempt.PLACED;
  }

  private Attempt tryPlaceUnknown(Entry call, Entry due) {
    if (unknown.dominated(unknown.index(call.slot), due.time)) {
      return Attempt.REFUSED;
    }
    RegisterState next = model.step(state, call.operation);
    // Leaving out an unknown operation that changes nothing keeps the same state and more options.
    boolean worthPlacing = next != null && !next.equals(state) && next.version() <= floor.lowest()
        && model.couldStillApply(next, due.operation);
    return worthPlacing && place(call, next, false) ? Attempt.PLACED : Attempt.REFUSED;
  }

  /** Undoes the last placement. @return it */
  Choice undo() {
    Choice last = choices.pop();
    Operation operation = last.entry().operation;
    state = last.before();
    linearized.clear(last.entry().slot);
    witnesses.unplace(operation);
    if (operation.isOk()) {
      floor.add(operation);
      completed.unlift(last.entry());
      completedPlaced--;
    } else {
      unknown.unplace(unknown.index(last.entry().slot));
    }
    return last;
  }

  boolean isEmpty() {
    return choices.isEmpty();
  }

  int completedPlaced() {
    return completedPlaced;
  }

  boolean allCompletedPlaced() {
    return completedPlaced == completedCount;
  }

  /** @return the slots of the placed operations, in order */
  int[] slots() {
    int[] slots = new int[choices.size()];
    int i = 0;
    for (Iterator<Choice> it = choices.descendingIterator(); it.hasNext(); ) {
      slots[i++] = it.next().entry().slot;
    }
    return slots;
  }

  /** Places an operation the floor admits, unless the value witnesses or the memo refuse it. */
  private boolean place(Entry call, RegisterState next, boolean forced) {
    Operation operation = call.operation;
    if (witnesses.strands(operation, next)) {
      return false;
    }
    linearized.set(call.slot);
    if (!explored.add(linearized.snapshot(next))) {
      linearized.clear(call.slot);
      return false;
    }
    choices.push(new Choice(call, state, forced));
    state = next;
    witnesses.place(operation);
    if (operation.isOk()) {
      completed.lift(call);
      completedPlaced++;
    } else {
      unknown.place(unknown.index(call.slot));
    }
    return true;
  }
}
