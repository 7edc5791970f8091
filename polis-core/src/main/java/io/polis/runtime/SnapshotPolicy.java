package io.polis.runtime;

/**
 * When a member snapshots its state machine and compacts its log, and how it streams snapshots.
 *
 * <p>A snapshot is taken once {@link #everyEntries()} entries or {@link #everyBytes()} bytes of entries
 * were applied since the last one, whichever comes first. It is written off the driver thread, and once it
 * is durable the log is compacted up to {@link #trailingEntries()} entries before it: a follower only a
 * little behind then still gets entries, not a whole snapshot. Snapshots are sent to followers in chunks
 * of {@link #chunkBytes()}, one in flight at a time.
 *
 * @param everyEntries entries applied between snapshots; positive
 * @param everyBytes bytes of entries applied between snapshots; positive
 * @param trailingEntries entries kept in the log before the snapshot's index; zero or more
 * @param chunkBytes the size of a snapshot chunk on the wire; 1 byte to 8 MiB (tiny chunks are for tests)
 */
public record SnapshotPolicy(long everyEntries, long everyBytes, long trailingEntries, int chunkBytes) {

  /** Default {@link #everyEntries()}: often enough that a restart replays little, rarely enough to be cheap. */
  public static final long DEFAULT_EVERY_ENTRIES = 10_000;
  /** Default {@link #everyBytes()}: 64 MiB, so large entries do not let the log grow unchecked. */
  public static final long DEFAULT_EVERY_BYTES = 64L << 20;
  /** Default {@link #trailingEntries()}. */
  public static final long DEFAULT_TRAILING_ENTRIES = 1_000;
  /** Default {@link #chunkBytes()}: 1 MiB, well under the transport's default 16 MiB frame limit. */
  public static final int DEFAULT_CHUNK_BYTES = 1 << 20;

  /** Validates the settings. */
  public SnapshotPolicy {
    if (everyEntries < 1) {
      throw new IllegalArgumentException("everyEntries must be positive, was " + everyEntries);
    }
    if (everyBytes < 1) {
      throw new IllegalArgumentException("everyBytes must be positive, was " + everyBytes);
    }
    if (trailingEntries < 0) {
      throw new IllegalArgumentException("trailingEntries must not be negative, was " + trailingEntries);
    }
    if (chunkBytes < 1 || chunkBytes > (8 << 20)) {
      throw new IllegalArgumentException("chunkBytes must be 1.." + (8 << 20) + " (and below the transport's"
          + " frame limit), was " + chunkBytes);
    }
  }

  /**
   * Returns the defaults: every {@value #DEFAULT_EVERY_ENTRIES} entries or 64 MiB, keeping
   * {@value #DEFAULT_TRAILING_ENTRIES} entries, in 1 MiB chunks.
   *
   * @return the default policy
   */
  public static SnapshotPolicy defaults() {
    return new SnapshotPolicy(DEFAULT_EVERY_ENTRIES, DEFAULT_EVERY_BYTES, DEFAULT_TRAILING_ENTRIES,
        DEFAULT_CHUNK_BYTES);
  }

  /**
   * Returns a copy that snapshots every {@code entries} entries.
   *
   * @param entries entries between snapshots
   * @param trailing entries kept before each snapshot
   * @return the new policy
   */
  public SnapshotPolicy withEvery(long entries, long trailing) {
    return new SnapshotPolicy(entries, everyBytes, trailing, chunkBytes);
  }

  /**
   * Returns a copy with another chunk size.
   *
   * @param bytes the chunk size
   * @return the new policy
   */
  public SnapshotPolicy withChunkBytes(int bytes) {
    return new SnapshotPolicy(everyEntries, everyBytes, trailingEntries, bytes);
  }
}
