package io.polis.wire;

/**
 * A follower's answer to an {@link InstallSnapshot} chunk.
 *
 * @param group the Raft group
 * @param term the follower's term
 * @param index the snapshot's index, as in the chunk answered
 * @param accepted false when the follower refuses the transfer (the sender is not its leader of this term,
 *     or its disk failed): the leader gives the transfer up and tries again later
 * @param nextOffset the offset of the state bytes the follower wants next; equal to the snapshot's size
 *     once it has the whole snapshot and checked it
 */
public record InstallSnapshotResponse(String group, long term, long index, boolean accepted, long nextOffset)
    implements RaftMessage {

  /** Validates the components. */
  public InstallSnapshotResponse {
    RaftCodec.checkGroup(group);
    RaftCodec.checkNonNegative("term", term);
    RaftCodec.checkNonNegative("index", index);
    RaftCodec.checkNonNegative("next offset", nextOffset);
  }

  @Override
  public MessageType type() {
    return MessageType.INSTALL_SNAPSHOT_RESPONSE;
  }
}
