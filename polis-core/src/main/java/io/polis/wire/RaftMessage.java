package io.polis.wire;

/**
 * The messages of the Raft consensus protocol. Each names the Raft group it belongs to, so one node can
 * take part in several groups over one connection, and carries its sender's term.
 *
 * <p>The sender is not a field: the transport authenticated it in the handshake.
 */
public sealed interface RaftMessage extends PeerMessage
    permits VoteRequest, VoteResponse, AppendRequest, AppendResponse, RaftHeartbeat,
        RaftHeartbeatResponse, TimeoutNow, ReadIndexRequest, ReadIndexResponse, ForwardedProposal,
        InstallSnapshot, InstallSnapshotResponse {

  /** Longest group name, in bytes of UTF-8. */
  int MAX_GROUP_BYTES = 64;

  /** Most entries in one {@link AppendRequest} or {@link ForwardedProposal}. */
  int MAX_ENTRIES = 65_536;

  /**
   * Returns the name of the Raft group this message belongs to.
   *
   * @return the group name
   */
  String group();

  /**
   * Returns the sender's current term (for a pre-vote request, the term it would campaign in).
   *
   * @return a term, zero or more
   */
  long term();
}
