package io.polis.raft;

/** Why a consensus operation did not complete. */
public abstract sealed class ConsensusException extends RuntimeException
    permits NotLeaderException, NoQuorumException, ConsensusTimeoutException, ProposalRejectedException {

  private static final long serialVersionUID = 1L;

  ConsensusException(String message) {
    super(message, null, false, false);
  }
}
