package io.polis.wire;

/**
 * Asks for a vote (Raft §5.2) or, when {@code preVote}, whether the receiver would vote (Raft thesis
 * §9.6) without anyone changing term.
 *
 * @param group the Raft group
 * @param term the term the candidate campaigns in
 * @param lastIndex index of the candidate's last log entry
 * @param lastTerm term of the candidate's last log entry
 * @param preVote whether this is a pre-vote
 * @param transfer whether the campaign follows a leadership transfer, so receivers grant it even while
 *     they still hear from the current leader
 */
public record VoteRequest(String group, long term, long lastIndex, long lastTerm, boolean preVote, boolean transfer)
    implements RaftMessage {

  /** Validates the components. */
  public VoteRequest {
    RaftCodec.checkGroup(group);
    RaftCodec.checkNonNegative("term", term);
    RaftCodec.checkNonNegative("last index", lastIndex);
    RaftCodec.checkNonNegative("last term", lastTerm);
  }

  @Override
  public MessageType type() {
    return MessageType.VOTE_REQUEST;
  }
}
