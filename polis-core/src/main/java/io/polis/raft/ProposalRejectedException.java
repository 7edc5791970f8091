package io.polis.raft;

/**
 * The leader refused a request it could not take now: a membership change while another is in flight,
 * a proposal during a leadership transfer, a change that would leave no voter.
 */
public final class ProposalRejectedException extends ConsensusException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message why the request was refused
   */
  public ProposalRejectedException(String message) {
    super(message);
  }
}
