package io.polis.wire;

/**
 * The leader's periodic heartbeat (Raft §5.2). It also carries the context of pending linearizable reads,
 * so one round of answers confirms leadership for all of them.
 *
 * @param group the Raft group
 * @param term the leader's term
 * @param commit the leader's commit index, capped at what the follower is known to hold
 * @param context the newest read context waiting for confirmation, or zero
 */
public record RaftHeartbeat(String group, long term, long commit, long context) implements RaftMessage {

  /** Validates the components. */
  public RaftHeartbeat {
    RaftCodec.checkGroup(group);
    RaftCodec.checkNonNegative("term", term);
    RaftCodec.checkNonNegative("commit", commit);
  }

  @Override
  public MessageType type() {
    return MessageType.RAFT_HEARTBEAT;
  }
}
