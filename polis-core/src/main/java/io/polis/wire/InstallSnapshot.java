package io.polis.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * One chunk of a snapshot the leader sends to a follower whose log lacks entries the leader has compacted
 * away (Raft §7). Chunks go one at a time; the follower writes each to a partial file and answers with an
 * {@link InstallSnapshotResponse} naming the offset it wants next, so a transfer resumes where the
 * follower's partial file ends, even after either side restarted. The whole is checked against
 * {@code crc} before the follower uses it.
 *
 * @param group the Raft group
 * @param term the leader's term
 * @param index the index of the last entry the snapshot covers
 * @param snapshotTerm the term of that entry
 * @param configuration the configuration in force at {@code index}, as the Raft core encodes it
 * @param totalBytes the size of the snapshot's state bytes
 * @param crc the CRC32C of all the state bytes
 * @param offset where this chunk starts in the state bytes
 * @param chunk the bytes; empty only for a snapshot of no bytes, or to ask where to resume
 */
public record InstallSnapshot(String group, long term, long index, long snapshotTerm, byte[] configuration,
    long totalBytes, int crc, long offset, byte[] chunk) implements RaftMessage {

  /** Validates the components. */
  public InstallSnapshot {
    RaftCodec.checkGroup(group);
    RaftCodec.checkNonNegative("term", term);
    if (index < 1 || snapshotTerm < 1) {
      throw new IllegalArgumentException("a snapshot covers entry 1 or later of term 1 or later, but was index "
          + index + " term " + snapshotTerm);
    }
    if (snapshotTerm > term) {
      throw new IllegalArgumentException("snapshot term " + snapshotTerm + " is above the leader's term " + term);
    }
    Objects.requireNonNull(configuration, "configuration");
    Objects.requireNonNull(chunk, "chunk");
    RaftCodec.checkNonNegative("total bytes", totalBytes);
    if (offset < 0 || offset > totalBytes || chunk.length > totalBytes - offset) {
      throw new IllegalArgumentException("chunk of " + chunk.length + " bytes at offset " + offset
          + " lies outside the snapshot's " + totalBytes + " bytes");
    }
  }

  @Override
  public MessageType type() {
    return MessageType.INSTALL_SNAPSHOT;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InstallSnapshot m && group.equals(m.group) && term == m.term && index == m.index
        && snapshotTerm == m.snapshotTerm && Arrays.equals(configuration, m.configuration)
        && totalBytes == m.totalBytes && crc == m.crc && offset == m.offset && Arrays.equals(chunk, m.chunk);
  }

  @Override
  public int hashCode() {
    return Objects.hash(group, term, index, offset, totalBytes, crc);
  }

  @Override
  public String toString() {
    return "InstallSnapshot[" + group + " term=" + term + " index=" + index + "@" + snapshotTerm + " offset="
        + offset + " chunk=" + chunk.length + "/" + totalBytes + "]";
  }
}
