package io.polis.wire;

/**
 * Tells the chosen successor in a leadership transfer to campaign at once (Raft thesis §3.10).
 *
 * @param group the Raft group
 * @param term the leader's term
 */
public record TimeoutNow(String group, long term) implements RaftMessage {

  /** Validates the components. */
  public TimeoutNow {
    RaftCodec.checkGroup(group);
    RaftCodec.checkNonNegative("term", term);
  }

  @Override
  public MessageType type() {
    return MessageType.TIMEOUT_NOW;
  }
}
