package io.polis.wire;

/**
 * Answers a {@link RaftHeartbeat}, echoing its read context.
 *
 * @param group the Raft group
 * @param term the follower's term
 * @param context the context of the heartbeat answered
 */
public record RaftHeartbeatResponse(String group, long term, long context) implements RaftMessage {

  /** Validates the components. */
  public RaftHeartbeatResponse {
    RaftCodec.checkGroup(group);
    RaftCodec.checkNonNegative("term", term);
  }

  @Override
  public MessageType type() {
    return MessageType.RAFT_HEARTBEAT_RESPONSE;
  }
}
