package io.polis.raft;

/** The leader has not heard from a majority of voters recently, so nothing can be committed now. */
public final class NoQuorumException extends ConsensusException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   */
  public NoQuorumException(String message) {
    super(message);
  }
}
