package io.polis.wire;

import java.util.List;

/**
 * Replicates log entries (Raft §5.3). Entries must be consecutive, starting at {@code prevIndex + 1}.
 *
 * @param group the Raft group
 * @param term the leader's term
 * @param prevIndex index of the entry just before the new ones
 * @param prevTerm term of that entry
 * @param commit the leader's commit index
 * @param entries the entries, possibly none (a probe)
 */
public record AppendRequest(String group, long term, long prevIndex, long prevTerm, long commit,
    List<LogEntry> entries) implements RaftMessage {

  /** Validates the components. */
  public AppendRequest {
    RaftCodec.checkGroup(group);
    RaftCodec.checkNonNegative("term", term);
    RaftCodec.checkNonNegative("prev index", prevIndex);
    RaftCodec.checkNonNegative("prev term", prevTerm);
    RaftCodec.checkNonNegative("commit", commit);
    entries = RaftCodec.checkEntries(entries, prevIndex);
  }

  @Override
  public MessageType type() {
    return MessageType.APPEND_REQUEST;
  }
}
