package io.polis.raft;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A snapshot kept by a {@link FileSnapshotStore}: its metadata, its file, and the size and checksum of
 * the state bytes in it (what {@link StateSnapshot#writeTo} wrote, without the file's header and trailer).
 * The size and checksum are what a sender announces to a {@link SnapshotReceiver}.
 *
 * @param meta the index, term and configuration the snapshot stands for
 * @param file the file holding it
 * @param size the number of state bytes
 * @param crc the CRC32C of the state bytes as the file records it; verified while they are read
 */
public record StoredSnapshot(SnapshotMeta meta, Path file, long size, int crc) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public StoredSnapshot {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(file, "file");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + size);
    }
  }
}
