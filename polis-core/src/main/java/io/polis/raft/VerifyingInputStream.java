package io.polis.raft;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The state bytes of a snapshot file: exactly {@code size} bytes, checked against the file's trailer
 * when the last one has been read, before the end is reported. A reader that reads to the end therefore
 * either got every byte right or an {@link IOException}.
 */
final class VerifyingInputStream extends InputStream {

  private final InputStream in;
  private final Path file;
  private final CRC32C crc = new CRC32C();
  private long remaining;
  private boolean verified;

  VerifyingInputStream(InputStream in, long size, Path file) {
    this.in = in;
    this.remaining = size;
    this.file = file;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : Byte.toUnsignedInt(one[0]);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (remaining == 0) {
      verify();
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw SnapshotFile.damaged(file, "state ends " + remaining + " bytes early");
    }
    crc.update(b, off, n);
    remaining -= n;
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void verify() throws IOException {
    if (verified) {
      return;
    }
    int expected;
    try {
      expected = new DataInputStream(in).readInt();
    } catch (EOFException e) {
      throw SnapshotFile.damaged(file, "the checksum trailer is missing");
    }
    if (expected != (int) crc.getValue()) {
      throw SnapshotFile.damaged(file, "state checksum mismatch");
    }
    verified = true;
  }
}
