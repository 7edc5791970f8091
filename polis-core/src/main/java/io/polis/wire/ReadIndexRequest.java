package io.polis.wire;

/**
 * A follower asks the leader for a read index on behalf of its own client (Raft thesis §6.4).
 *
 * @param group the Raft group
 * @param term the follower's term (informational: the leader answers whatever it is)
 * @param context the follower's identifier for the read, echoed in the response
 */
public record ReadIndexRequest(String group, long term, long context) implements RaftMessage {

  /** Validates the components. */
  public ReadIndexRequest {
    RaftCodec.checkGroup(group);
    RaftCodec.checkNonNegative("term", term);
  }

  @Override
  public MessageType type() {
    return MessageType.READ_INDEX_REQUEST;
  }
}
