package io.polis.raft;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where a member keeps its snapshots: in files in production ({@link FileSnapshotStore}), in memory in
 * the simulator ({@link InMemorySnapshotStore}).
 *
 * <p><b>Contract.</b> A snapshot becomes visible to {@link #latest()} only whole and durable: after
 * {@link #save} or {@link SnapshotReceiver#finish()} returns, a crash cannot take it back. Its state bytes
 * are checked against its CRC32C as they are read, so damaged bytes are never restored. Methods may block
 * on the disk; the driver calls {@link #save} and {@link #readChunk} off its own thread. Implementations are
 * safe for use from several threads. The log may be compacted up to a snapshot's index only after the
 * snapshot is durable here.
 */
public interface SnapshotStore extends AutoCloseable {

  /**
   * Writes a snapshot, makes it durable, and lets older ones go.
   *
   * @param meta what the snapshot stands for
   * @param state the state, written once by this call
   * @return the stored snapshot
   * @throws IOException if writing fails, including an exception of {@code state}; nothing of it is
   *     left behind and earlier snapshots are untouched
   */
  StoredSnapshot save(SnapshotMeta meta, StateSnapshot state) throws IOException;

  /**
   * Finds the newest intact snapshot.
   *
   * @return the newest usable snapshot, or empty if there is none
   * @throws IOException if the store cannot be read
   */
  Optional<StoredSnapshot> latest() throws IOException;

  /**
   * Opens a snapshot's state bytes; reading to the end throws if they do not match the checksum.
   *
   * @param snapshot a snapshot of this store
   * @return a stream of exactly {@link StoredSnapshot#size()} bytes, closed by the caller
   * @throws IOException if it cannot be opened, for instance because a newer snapshot replaced it
   */
  InputStream openState(StoredSnapshot snapshot) throws IOException;

  /**
   * Reads a chunk of a snapshot's state bytes for sending; the receiver checks the whole.
   *
   * @param snapshot a snapshot of this store
   * @param offset where the chunk starts, from 0 to {@link StoredSnapshot#size()}
   * @param max the most bytes to return; positive
   * @return the bytes from {@code offset}, {@code max} of them or fewer at the end; empty at the end
   * @throws IllegalArgumentException if {@code offset} or {@code max} is out of range
   * @throws IOException if it cannot be read, for instance because a newer snapshot replaced it
   */
  byte[] readChunk(StoredSnapshot snapshot, long offset, int max) throws IOException;

  /**
   * Starts or resumes receiving a snapshot sent in chunks; a partial transfer of any other snapshot is
   * discarded, since only the newest matters.
   *
   * @param meta what the snapshot stands for
   * @param totalBytes how many state bytes the sender will send
   * @param crc the CRC32C of those bytes, as the sender announced
   * @return the receiver; {@link SnapshotReceiver#nextOffset()} says where the sender should go on
   * @throws IllegalArgumentException if {@code totalBytes} is negative
   * @throws IOException if the transfer cannot be stored
   */
  SnapshotReceiver receive(SnapshotMeta meta, long totalBytes, int crc) throws IOException;

  /**
   * Releases files and locks; whoever opened the store closes it, after the driver using it was closed
   * and its snapshot thread stopped. Later calls may throw {@link IllegalStateException}. This default
   * does nothing: the in-memory store keeps its contents so a "restarted" member finds them.
   */
  @Override
  default void close() {
    // nothing to release
  }
}
