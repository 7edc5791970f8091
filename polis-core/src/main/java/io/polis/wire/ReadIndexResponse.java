package io.polis.wire;

/**
 * The leader's answer to a {@link ReadIndexRequest}, sent once its leadership is confirmed.
 *
 * @param group the Raft group
 * @param term the leader's term
 * @param context the follower's identifier for the read
 * @param index the read index: the reader may read once it has applied this far
 */
public record ReadIndexResponse(String group, long term, long context, long index) implements RaftMessage {

  /** Validates the components. */
  public ReadIndexResponse {
    RaftCodec.checkGroup(group);
    RaftCodec.checkNonNegative("term", term);
    RaftCodec.checkNonNegative("index", index);
  }

  @Override
  public MessageType type() {
    return MessageType.READ_INDEX_RESPONSE;
  }
}
