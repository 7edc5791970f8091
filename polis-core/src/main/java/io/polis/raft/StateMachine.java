package io.polis.raft;

/**
 * The application's replicated state, changed only by committed commands applied in log order.
 *
 * <p><b>Contract.</b> {@link #apply} is called on the member's driver thread, once per committed command,
 * in index order, never concurrently. It must be deterministic (the same commands give every member the
 * same state and results), must not block, and should not throw: a command it cannot apply is answered
 * with a result that says so. An exception is logged and the command counts as applied with an empty
 * result, so one bad command cannot wedge the group. Reads of the state from other threads are the
 * implementation's business (e.g. immutable values in a concurrent map).
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
}
