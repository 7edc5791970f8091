package io.polis.raft;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SnapshotStore} in memory, for the simulator and tests. Like {@link InMemoryRaftStorage} it
 * outlives a simulated crash: a member restarted on the same store finds its newest snapshot and any
 * partial transfer, as it would on a disk. Keeps only the newest snapshot.
 */
public final class InMemorySnapshotStore implements SnapshotStore {

  private @Nullable StoredSnapshot newest;
  private byte @Nullable [] newestBytes;
  private @Nullable Partial partial;

  @Override
  public synchronized StoredSnapshot save(SnapshotMeta meta, StateSnapshot state) throws IOException {
    Objects.requireNonNull(meta, "meta");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    state.writeTo(out);
    byte[] bytes = out.toByteArray();
    return install(new StoredSnapshot(meta, bytes.length, crc(bytes)), bytes);
  }

  @Override
  public synchronized Optional<StoredSnapshot> latest() {
    return Optional.ofNullable(newest);
  }

  @Override
  public synchronized InputStream openState(StoredSnapshot snapshot) throws IOException {
    return new ByteArrayInputStream(bytesOf(snapshot));
  }

  @Override
  public synchronized byte[] readChunk(StoredSnapshot snapshot, long offset, int max) throws IOException {
    byte[] bytes = bytesOf(snapshot);
    if (offset < 0 || offset > bytes.length || max <= 0) {
      throw new IllegalArgumentException("chunk of at most " + max + " bytes at offset " + offset
          + " is outside the snapshot's 0.." + bytes.length);
    }
    return Arrays.copyOfRange(bytes, (int) offset, (int) Math.min(bytes.length, offset + max));
  }

  @Override
  public synchronized SnapshotReceiver receive(SnapshotMeta meta, long totalBytes, int crc) {
    Objects.requireNonNull(meta, "meta");
    if (totalBytes < 0 || totalBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("totalBytes must be 0.." + Integer.MAX_VALUE + ", was " + totalBytes);
    }
    if (partial == null || !partial.isFor(meta, totalBytes, crc)) {
      partial = new Partial(meta, totalBytes, crc);
    }
    return partial;
  }

  private StoredSnapshot install(StoredSnapshot snapshot, byte[] bytes) {
    if (newest == null || snapshot.meta().index() >= newest.meta().index()) {
      newest = snapshot;
      newestBytes = bytes;
    }
    return snapshot;
  }

  private byte[] bytesOf(StoredSnapshot snapshot) throws IOException {
    if (newest == null || !newest.equals(snapshot)) {
      throw new IOException("snapshot at index " + snapshot.meta().index() + " is no longer kept");
    }
    return Objects.requireNonNull(newestBytes);
  }

  private static int crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  /** A transfer in progress; it survives a simulated restart, so it can be resumed. */
  private final class Partial implements SnapshotReceiver {
    private final SnapshotMeta meta;
    private final long totalBytes;
    private final int crc;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean closed;

    Partial(SnapshotMeta meta, long totalBytes, int crc) {
      this.meta = meta;
      this.totalBytes = totalBytes;
      this.crc = crc;
    }

    boolean isFor(SnapshotMeta meta, long totalBytes, int crc) {
      return !closed && this.meta.equals(meta) && this.totalBytes == totalBytes && this.crc == crc;
    }

    @Override
    public long nextOffset() {
      synchronized (InMemorySnapshotStore.this) {
        return received.size();
      }
    }

    @Override
    public void write(long offset, byte[] chunk) {
      synchronized (InMemorySnapshotStore.this) {
        checkOpen();
        if (offset != received.size()) {
          throw new IllegalArgumentException("chunk at offset " + offset + " but the receiver expects "
              + received.size() + "; resend from there");
        }
        if (chunk.length > totalBytes - offset) {
          throw new IllegalArgumentException("chunk of " + chunk.length + " bytes at offset " + offset
              + " goes past the announced " + totalBytes + " bytes");
        }
        received.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public StoredSnapshot finish() throws IOException {
      synchronized (InMemorySnapshotStore.this) {
        checkOpen();
        if (received.size() != totalBytes) {
          throw new IOException("snapshot at index " + meta.index() + " is incomplete: " + received.size() + " of "
              + totalBytes + " bytes received");
        }
        byte[] bytes = received.toByteArray();
        closed = true;
        partial = null;
        if (crc(bytes) != crc) {
          throw new IOException("snapshot at index " + meta.index() + " failed its checksum; the transfer must"
              + " start again");
        }
        return install(new StoredSnapshot(meta, totalBytes, crc), bytes);
      }
    }

    @Override
    public void abort() {
      synchronized (InMemorySnapshotStore.this) {
        closed = true;
        if (partial == this) {
          partial = null;
        }
      }
    }

    private void checkOpen() {
      if (closed) {
        throw new IllegalStateException("the transfer of snapshot " + meta.index() + " was already finished or aborted");
      }
    }
  }
}
