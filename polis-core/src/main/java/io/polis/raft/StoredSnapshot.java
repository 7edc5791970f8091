package io.polis.raft;

import java.util.Objects;

/**
 * A snapshot kept by a {@link SnapshotStore}: its metadata, and the size and checksum of its state bytes
 * (what {@link StateSnapshot#writeTo} wrote). The size and checksum are what a sender announces to a
 * {@link SnapshotReceiver}.
 *
 * @param meta the index, term and configuration the snapshot stands for
 * @param size the number of state bytes
 * @param crc the CRC32C of the state bytes as the store records it; verified while they are read
 */
public record StoredSnapshot(SnapshotMeta meta, long size, int crc) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public StoredSnapshot {
    Objects.requireNonNull(meta, "meta");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + size);
    }
  }
}
