package io.polis.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a replicated log.
 *
 * @param term the leader's term when the entry was created
 * @param index the entry's position in the log, from 1
 * @param kind what the entry carries
 * @param data the command (opaque to consensus), an encoded configuration, or empty for a no-op; not
 *     copied: whoever builds an entry hands the array over
 */
public record LogEntry(long term, long index, EntryKind kind, byte[] data) {

  /** Validates the components. */
  public LogEntry {
    if (term < 0) {
      throw new IllegalArgumentException("entry term must not be negative, was " + term);
    }
    if (index < 1) {
      throw new IllegalArgumentException("entry index must be at least 1, was " + index);
    }
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(data, "data");
  }

  /**
   * Returns the bytes this entry counts for in flow control and size limits.
   *
   * @return the payload size plus a fixed overhead
   */
  public long sizeInBytes() {
    return data.length + 21L;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogEntry e && term == e.term && index == e.index && kind == e.kind
        && Arrays.equals(data, e.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(term, index, kind) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "LogEntry[" + index + "@" + term + " " + kind + ", " + data.length + " bytes]";
  }
}
