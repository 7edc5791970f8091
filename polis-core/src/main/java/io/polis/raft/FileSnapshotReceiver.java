package io.polis.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The {@link SnapshotReceiver} of a {@link FileSnapshotStore}: writes the chunks to a {@code .partial}
 * file, so that a receiver restarted on the same directory resumes where the file ends
 * ({@link FileSnapshotStore#receive}). All methods block on the disk. Chunks are not forced one by one; after a machine
 * crash the partial file may end in bytes that were never written, which {@link #finish()} detects by the
 * checksum, and the transfer is then started again.
 */
final class FileSnapshotReceiver implements SnapshotReceiver {

  private final FileSnapshotStore store;
  private final Path partial;
  private final SnapshotMeta meta;
  private final long totalBytes;
  private final int expectedCrc;
  private final long headerBytes;
  private final FileChannel channel;
  private final CRC32C crc;
  private long nextOffset;
  private boolean closed;

  private FileSnapshotReceiver(FileSnapshotStore store, Path partial, SnapshotMeta meta, long totalBytes, int expectedCrc,
      FileChannel channel, CRC32C crc, long nextOffset) {
    this.store = store;
    this.partial = partial;
    this.meta = meta;
    this.totalBytes = totalBytes;
    this.expectedCrc = expectedCrc;
    this.headerBytes = SnapshotFile.headerBytes(meta);
    this.channel = channel;
    this.crc = crc;
    this.nextOffset = nextOffset;
  }

  /** Resumes the partial file if it is intact and of the same snapshot, else starts it afresh. */
  static FileSnapshotReceiver open(FileSnapshotStore store, Path partial, SnapshotMeta meta, long totalBytes, int crc)
      throws IOException {
    long headerBytes = SnapshotFile.headerBytes(meta);
    if (Files.exists(partial)) {
      FileChannel channel = FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        long received = channel.size() - headerBytes;
        if (received >= 0 && received <= totalBytes && SnapshotFile.readHeader(channel, partial).equals(meta)) {
          return new FileSnapshotReceiver(store, partial, meta, totalBytes, crc, channel, checksum(channel, headerBytes,
              received, partial), received);
        }
      } catch (IOException e) {
        // A header torn by a crash: the transfer starts again below.
      }
      channel.close();
    }
    FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
    SnapshotFile.writeFully(channel, SnapshotFile.header(meta), 0);
    return new FileSnapshotReceiver(store, partial, meta, totalBytes, crc, channel, new CRC32C(), 0);
  }

  /**
   * Returns the offset, in state bytes, of the next chunk expected: 0 for a new transfer, the bytes
   * already received for a resumed one.
   *
   * @return the offset
   */
  @Override
  public long nextOffset() {
    return nextOffset;
  }

  /**
   * Appends a chunk.
   *
   * @param offset where the chunk starts; must equal {@link #nextOffset()}
   * @param chunk the bytes
   * @throws IllegalArgumentException if {@code offset} is not {@link #nextOffset()} or the chunk goes past
   *     the announced total
   * @throws IllegalStateException after {@link #finish()} or {@link #abort()}
   * @throws IOException if the disk fails; the partial file is kept, and {@link #nextOffset()} is unchanged
   */
  @Override
  public void write(long offset, byte[] chunk) throws IOException {
    checkOpen();
    if (offset != nextOffset) {
      throw new IllegalArgumentException("chunk at offset " + offset + " but the receiver expects " + nextOffset
          + "; resend from there");
    }
    if (chunk.length > totalBytes - nextOffset) {
      throw new IllegalArgumentException("chunk of " + chunk.length + " bytes at offset " + offset
          + " goes past the announced " + totalBytes + " bytes");
    }
    SnapshotFile.writeFully(channel, ByteBuffer.wrap(chunk), headerBytes + offset);
    crc.update(chunk);
    nextOffset += chunk.length;
  }

  /**
   * Completes the transfer: checks the size and checksum, then forces the file and renames it into the
   * store, where retention applies as for {@link FileSnapshotStore#save}.
   *
   * @return the stored snapshot
   * @throws IOException if fewer bytes than announced were received (the partial file is kept, so the
   *     sender can continue), if the checksum does not match (the partial file is deleted, so the transfer
   *     must start again), or if the disk fails
   * @throws IllegalStateException after {@link #finish()} or {@link #abort()}
   */
  @Override
  public StoredSnapshot finish() throws IOException {
    checkOpen();
    if (nextOffset != totalBytes) {
      throw new IOException("snapshot at index " + meta.index() + " is incomplete: " + nextOffset + " of "
          + totalBytes + " bytes received");
    }
    if ((int) crc.getValue() != expectedCrc) {
      abort();
      throw new IOException("snapshot at index " + meta.index() + " failed its checksum: received bytes have"
          + String.format(" CRC32C %08x, the sender announced %08x; the transfer must start again",
          (int) crc.getValue(), expectedCrc));
    }
    SnapshotFile.writeFully(channel, ByteBuffer.allocate(4).putInt(0, expectedCrc), headerBytes + totalBytes);
    store.syncer().force(partial, channel, true);
    closed = true;
    channel.close();
    Path file = partial.resolveSibling(SnapshotFile.completeName(meta));
    store.install(partial, file);
    return new StoredSnapshot(meta, totalBytes, expectedCrc);
  }

  /**
   * Gives the transfer up and deletes the partial file. Does nothing if already finished or aborted.
   *
   * @throws IOException if the file cannot be deleted
   */
  @Override
  public void abort() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    channel.close();
    Files.deleteIfExists(partial);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the transfer of snapshot " + meta.index() + " was already finished or aborted");
    }
  }

  /** The CRC32C of the state bytes already in a partial file, to continue from. */
  private static CRC32C checksum(FileChannel channel, long from, long length, Path file) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    for (long done = 0; done < length; ) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
      SnapshotFile.readFully(channel, buffer, from + done, file);
      done += buffer.remaining();
      crc.update(buffer);
    }
    return crc;
  }
}
