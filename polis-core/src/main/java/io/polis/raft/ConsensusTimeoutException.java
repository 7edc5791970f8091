package io.polis.raft;

/**
 * The outcome was not known in time. For a proposal this means "unknown", not "failed": the command may
 * still be committed and applied later.
 */
public final class ConsensusTimeoutException extends ConsensusException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   */
  public ConsensusTimeoutException(String message) {
    super(message);
  }
}
