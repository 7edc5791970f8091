package io.polis.raft;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A point-in-time view of a {@link StateMachine}'s state, taken by {@link StateMachine#snapshot()} and
 * written out later, on another thread, while the state machine goes on applying commands.
 *
 * <p><b>Contract.</b> {@link #writeTo} may be called on any thread, concurrently with
 * {@link StateMachine#apply}, and must write the state as it was when the snapshot was taken, not as it
 * is now. It may block on the stream. The bytes it writes are what {@link StateMachine#restore} reads
 * back, on this member or on another one, so they must carry their own format version. Calling it more
 * than once must write the same bytes each time (a failed write is retried with a fresh stream).
 */
@FunctionalInterface
public interface StateSnapshot {

  /**
   * Writes the captured state.
   *
   * @param out where to write; flushed but not closed here, since the caller owns it
   * @throws IOException if the stream fails; the caller discards what was written
   */
  void writeTo(OutputStream out) throws IOException;
}
