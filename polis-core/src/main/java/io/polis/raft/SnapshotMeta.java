package io.polis.raft;

import java.util.Objects;

/**
 * What a snapshot replaces in the log: every entry up to and including {@link #index()}, the last of
 * which had {@link #term()}, and the configuration in force at that entry (which the compacted log can no
 * longer tell).
 *
 * @param index the index of the last entry the snapshot's state includes; at least 1
 * @param term the term of that entry; at least 1
 * @param configuration the latest configuration at or before {@code index}
 */
public record SnapshotMeta(long index, long term, Configuration configuration) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if {@code index} or {@code term} is below 1
   * @throws NullPointerException if {@code configuration} is null
   */
  public SnapshotMeta {
    if (index < 1) {
      throw new IllegalArgumentException("a snapshot covers at least entry 1, but index was " + index);
    }
    if (term < 1) {
      // Entry 1 and every later one is written in term 1 or later; term 0 belongs to no entry.
      throw new IllegalArgumentException("a snapshot's last entry has term 1 or later, but term was " + term);
    }
    Objects.requireNonNull(configuration, "configuration");
  }
}
