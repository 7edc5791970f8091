package io.polis.raft;

import java.io.IOException;

/**
 * One snapshot being received in chunks from a leader, obtained from {@link SnapshotStore#receive}.
 *
 * <p><b>Contract.</b> For one thread at a time. Chunks must arrive in order: each {@link #write} starts at
 * {@link #nextOffset()}; a duplicate or reordered chunk is refused, and the sender resends from
 * {@link #nextOffset()}. {@link #finish()} checks the whole against the checksum the sender announced
 * before the snapshot becomes visible in its store.
 */
public interface SnapshotReceiver {

  /**
   * Returns the offset, in state bytes, of the next chunk expected: 0 for a new transfer, the bytes
   * already received for a resumed one.
   *
   * @return the offset
   */
  long nextOffset();

  /**
   * Appends a chunk.
   *
   * @param offset where the chunk starts; must equal {@link #nextOffset()}
   * @param chunk the bytes
   * @throws IllegalArgumentException if {@code offset} is not {@link #nextOffset()} or the chunk goes past
   *     the announced total
   * @throws IllegalStateException after {@link #finish()} or {@link #abort()}
   * @throws IOException if storing the chunk fails; {@link #nextOffset()} is then unchanged
   */
  void write(long offset, byte[] chunk) throws IOException;

  /**
   * Completes the transfer: checks the size and checksum and makes the snapshot durable and visible as
   * its store's newest.
   *
   * @return the stored snapshot
   * @throws IOException if fewer bytes than announced were received (the sender may continue), if the
   *     checksum does not match (what was received is discarded; the transfer must start again), or if
   *     storing fails
   * @throws IllegalStateException after {@link #finish()} or {@link #abort()}
   */
  StoredSnapshot finish() throws IOException;

  /**
   * Gives the transfer up and discards what was received. Does nothing if already finished or aborted.
   *
   * @throws IOException if the partial data cannot be deleted
   */
  void abort() throws IOException;
}
