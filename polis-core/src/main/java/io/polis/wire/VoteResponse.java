package io.polis.wire;

/**
 * Answers a {@link VoteRequest}.
 *
 * @param group the Raft group
 * @param term the voter's term; for a granted pre-vote, the term of the request
 * @param granted whether the vote is given
 * @param preVote whether this answers a pre-vote
 */
public record VoteResponse(String group, long term, boolean granted, boolean preVote) implements RaftMessage {

  /** Validates the components. */
  public VoteResponse {
    RaftCodec.checkGroup(group);
    RaftCodec.checkNonNegative("term", term);
  }

  @Override
  public MessageType type() {
    return MessageType.VOTE_RESPONSE;
  }
}
