package io.polis.raft;

import java.io.IOException;
import java.io.InputStream;

/**
 * The application's replicated state, changed only by committed commands applied in log order.
 *
 * <p><b>Contract.</b> {@link #apply} is called on the member's driver thread, once per committed command,
 * in index order, never concurrently. It must be deterministic (the same commands give every member the
 * same state and results), must not block, and should not throw: a command it cannot apply is answered
 * with a result that says so. An exception is logged and the command counts as applied with an empty
 * result, so one bad command cannot wedge the group. Reads of the state from other threads are the
 * implementation's business (e.g. immutable values in a concurrent map).
 *
 * <p><b>Snapshots.</b> A state machine that supports snapshots overrides {@link #snapshot()} and
 * {@link #restore}, so that the log before a snapshot can be compacted and a member that is too far
 * behind can be sent the state instead of the entries. Both are called on the driver thread, between two
 * applies. A snapshot must include everything that decides future results, since a member restored from
 * it must answer the following commands as the others do.
 */
public interface StateMachine {

  /**
   * Applies one committed command.
   *
   * @param index the command's log index
   * @param command the bytes proposed
   * @return the result handed to the proposer's future; may be empty
   */
  byte[] apply(long index, byte[] command);

  /**
   * Captures the current state, after the last command applied, for writing out later.
   *
   * <p>Called on the driver thread between two {@link #apply} calls, so it must be cheap: capture
   * references to immutable data, not bytes. The returned snapshot is written on another thread while
   * this state machine goes on applying, and must not see those later commands.
   *
   * @return the point-in-time view
   * @throws UnsupportedOperationException by default: this state machine does not support snapshots, so
   *     its log cannot be compacted
   */
  default StateSnapshot snapshot() {
    throw new UnsupportedOperationException(getClass().getName() + " does not support snapshots: override"
        + " StateMachine.snapshot() and restore(InputStream) to let the log be compacted");
  }

  /**
   * Replaces the whole state with one that {@link StateSnapshot#writeTo} wrote, possibly on another
   * member.
   *
   * <p>Called on the driver thread with nothing else applying; the next command applied is the one after
   * the snapshot's index. It reads the stream to its end and must not close it. If the input is damaged
   * or of an unknown format it throws and leaves the state as it was, never half-restored.
   *
   * @param in the snapshot's bytes
   * @throws IOException if the stream fails or its content is not a valid snapshot; the state is
   *     unchanged
   * @throws UnsupportedOperationException by default: this state machine does not support snapshots
   */
  default void restore(InputStream in) throws IOException {
    throw new UnsupportedOperationException(getClass().getName() + " does not support snapshots: override"
        + " StateMachine.snapshot() and restore(InputStream) to restore one");
  }
}
