package io.polis.sim.linearizability;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The sequential specification of one key of the store: a register holding a value (or nothing) and a
 * version that counts its changes. Operations on different keys never interact, which is what lets the
 * checker search key by key.
 *
 * <ul>
 *   <li>Every key starts absent at version 0 ({@link RegisterState#INITIAL}).
 *   <li>GET changes nothing and answers the current value (or absence) and version.
 *   <li>PUT v sets the value to v, even if it already was v, and increments the version; it answers
 *       the new version.
 *   <li>DELETE of a present key makes it absent and increments the version; it answers the new
 *       version. DELETE of an absent key is governed by {@link DeleteOfAbsent}: by default it changes
 *       nothing and answers the unchanged version.
 *   <li>CAS(e, v) succeeds if and only if the current value equals e ({@code null} e: the key is
 *       absent). Then it sets v, increments the version and answers (swapped, new version); otherwise
 *       it changes nothing and answers (not swapped, current version).
 * </ul>
 *
 * Versions never decrease and never reset, not even when a key is deleted and written again, so each
 * version number names one state of the key.
 */
public final class RegisterModel {

  /** What DELETE does to a key that is already absent. */
  public enum DeleteOfAbsent {
    /** Nothing: the version stays, and the DELETE answers it (the default, like etcd's range delete). */
    LEAVES_VERSION,
    /** Counts as a change: the version is incremented, and the DELETE answers the new one. */
    INCREMENTS_VERSION
  }

  /**
   * The effect of one input on one state.
   *
   * @param after the state the operation leaves
   * @param output what the store answers
   */
  public record Transition(RegisterState after, Output output) {}

  private final DeleteOfAbsent deleteOfAbsent;

  /** Creates the model with the default {@link DeleteOfAbsent#LEAVES_VERSION}. */
  public RegisterModel() {
    this(DeleteOfAbsent.LEAVES_VERSION);
  }

  /**
   * Creates the model.
   *
   * @param deleteOfAbsent what DELETE of an absent key does
   */
  public RegisterModel(DeleteOfAbsent deleteOfAbsent) {
    this.deleteOfAbsent = Objects.requireNonNull(deleteOfAbsent, "deleteOfAbsent");
  }

  /** @return what DELETE of an absent key does in this model */
  public DeleteOfAbsent deleteOfAbsent() {
    return deleteOfAbsent;
  }

  /** @return the state of every key before the first operation */
  public RegisterState initial() {
    return RegisterState.INITIAL;
  }

  /**
   * Runs one input against one state.
   *
   * @param state the key's state before
   * @param input what the client asked
   * @return the state after and the answer
   */
  public Transition apply(RegisterState state, Input input) {
    if (input instanceof Input.Put put) {
      return write(state, put.value());
    }
    if (input instanceof Input.Delete) {
      boolean noChange = state.value() == null && deleteOfAbsent == DeleteOfAbsent.LEAVES_VERSION;
      return noChange ? new Transition(state, Output.written(state.version())) : write(state, null);
    }
    if (input instanceof Input.Cas cas) {
      return Objects.equals(state.value(), cas.expected())
          ? swap(state, cas.newValue())
          : new Transition(state, Output.notSwapped(state.version()));
    }
    return new Transition(state, Output.read(state.value(), state.version()));
  }

  /**
   * Takes one recorded operation as the next one of a linearization.
   *
   * @param state the key's state before
   * @param operation an operation that completed or whose outcome is unknown
   * @return the state after, or {@code null} if the operation's recorded answer is not what the model
   *     answers in {@code state}. An unknown operation has no answer to contradict, so it always applies.
   * @throws IllegalArgumentException if the operation failed: it has no place in a linearization
   */
  public @Nullable RegisterState step(RegisterState state, Operation operation) {
    if (operation.isFailed()) {
      throw new IllegalArgumentException("a failed operation never took effect: " + operation);
    }
    Transition transition = apply(state, operation.input());
    if (operation.outcome() instanceof Outcome.Ok ok && !ok.output().equals(transition.output())) {
      return null;
    }
    return transition.after();
  }

  /**
   * Tells whether a completed operation can still take effect after the key reaches {@code state}, by
   * whatever operations come first. Every answer states a version V that the operation saw or made, and
   * versions never decrease: past V the answer can never be right again, and at V the key can only stay
   * as it is (anything that changes it moves past V), so the operation must fit this very state. This
   * lets the search abandon an order early instead of extending it in vain.
   *
   * @param state a state the key has reached
   * @param operation a completed or unknown operation
   * @return {@code false} only if no continuation from {@code state} can ever apply {@code operation}
   */
  public boolean couldStillApply(RegisterState state, Operation operation) {
    if (!(operation.outcome() instanceof Outcome.Ok ok)) {
      return true;
    }
    long version = ok.output().version();
    return state.version() < version || state.version() == version && step(state, operation) != null;
  }

  private static Transition write(RegisterState state, @Nullable String value) {
    RegisterState after = new RegisterState(value, state.version() + 1);
    return new Transition(after, Output.written(after.version()));
  }

  private static Transition swap(RegisterState state, String value) {
    RegisterState after = new RegisterState(value, state.version() + 1);
    return new Transition(after, Output.swapped(after.version()));
  }
}
