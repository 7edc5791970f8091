package io.polis.wire;

/**
 * Answers an {@link AppendRequest}.
 *
 * @param group the Raft group
 * @param term the follower's term
 * @param success whether the entries were accepted
 * @param index on success, the last index now known to match the leader's log; on rejection, the
 *     {@code prevIndex} that did not match, or, unasked, the commit index of a {@link RaftHeartbeat} that
 *     lies beyond the follower's log (it lost entries it had acknowledged)
 * @param hintIndex on rejection, the highest index at which the follower's log may still match (its last
 *     index, or the last index of its entries up to {@code hintTerm}); zero on success
 * @param hintTerm on rejection, the follower's term at {@code hintIndex}; zero on success
 */
public record AppendResponse(String group, long term, boolean success, long index, long hintIndex, long hintTerm)
    implements RaftMessage {

  /** Validates the components. */
  public AppendResponse {
    RaftCodec.checkGroup(group);
    RaftCodec.checkNonNegative("term", term);
    RaftCodec.checkNonNegative("index", index);
    RaftCodec.checkNonNegative("hint index", hintIndex);
    RaftCodec.checkNonNegative("hint term", hintTerm);
  }

  @Override
  public MessageType type() {
    return MessageType.APPEND_RESPONSE;
  }
}
