package io.polis.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The layout and names of a {@link FileSnapshotStore}'s files. Big-endian:
 *
 * <pre>
 * file   = header state trailer
 * header = magic:i32 version:i32 index:i64 term:i64 configLength:i32 configuration headerCrc:i32
 * trailer = stateCrc:i32
 * </pre>
 *
 * <p>{@code headerCrc} is the CRC32C of the header bytes before it, so that the metadata can be trusted
 * without reading the whole state; {@code stateCrc} is the CRC32C of the state bytes alone, which is also
 * what a sender announces, so a received file needs no second pass. Names: {@code snapshot-<index>-<term>.snap}
 * when complete, {@code .tmp} while a local save writes it, and
 * {@code snapshot-<index>-<term>-<size>-<crc>.partial} while a transfer receives it (size and checksum in
 * the name, so that a restarted receiver resumes only the same transfer).
 */
final class SnapshotFile {

  static final int MAGIC = 0x504F534E; // "POSN"
  static final int VERSION = 1;
  /** Header bytes besides the encoded configuration. */
  static final int FIXED_HEADER_BYTES = 32;
  static final int TRAILER_BYTES = 4;
  /** Far above any real configuration; only stops a damaged length from allocating much. */
  static final int MAX_CONFIGURATION_BYTES = 1 << 20;
  static final String COMPLETE = ".snap";
  static final String TEMP = ".tmp";
  static final String PARTIAL = ".partial";
  private static final Pattern NAME = Pattern.compile("snapshot-(\\d{1,19})-(\\d{1,19})(-\\d{1,19}-[0-9a-f]{8})?(\\.snap|\\.tmp|\\.partial)");

  private SnapshotFile() {}

  /** Index and term parsed from a file name. */
  record Name(long index, long term, String suffix) {}

  static @Nullable Name parse(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      return null;
    }
    try {
      return new Name(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(4));
    } catch (NumberFormatException e) {
      return null; // more digits than a long holds: not one of ours
    }
  }

  static String completeName(SnapshotMeta meta) {
    return "snapshot-" + meta.index() + "-" + meta.term() + COMPLETE;
  }

  static String tempName(SnapshotMeta meta) {
    return "snapshot-" + meta.index() + "-" + meta.term() + TEMP;
  }

  static String partialName(SnapshotMeta meta, long size, int crc) {
    return "snapshot-" + meta.index() + "-" + meta.term() + "-" + size + "-" + String.format("%08x", crc) + PARTIAL;
  }

  static long headerBytes(SnapshotMeta meta) {
    return FIXED_HEADER_BYTES + meta.configuration().encode().length;
  }

  static ByteBuffer header(SnapshotMeta meta) {
    byte[] configuration = meta.configuration().encode();
    ByteBuffer out = ByteBuffer.allocate(FIXED_HEADER_BYTES + configuration.length);
    out.putInt(MAGIC).putInt(VERSION).putLong(meta.index()).putLong(meta.term()).putInt(configuration.length)
        .put(configuration);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    return out.putInt((int) crc.getValue()).flip();
  }

  /**
   * Reads and checks a file's header.
   *
   * @throws IOException if it is damaged or of another format, naming the file
   */
  static SnapshotMeta readHeader(FileChannel channel, Path file) throws IOException {
    ByteBuffer fixed = ByteBuffer.allocate(FIXED_HEADER_BYTES - 4);
    readFully(channel, fixed, 0, file);
    int magic = fixed.getInt();
    int version = fixed.getInt();
    long index = fixed.getLong();
    long term = fixed.getLong();
    int length = fixed.getInt();
    if (magic != MAGIC) {
      throw damaged(file, "bad magic number 0x" + Integer.toHexString(magic));
    }
    if (version != VERSION) {
      throw damaged(file, "unknown format version " + version);
    }
    if (length < 0 || length > MAX_CONFIGURATION_BYTES) {
      throw damaged(file, "configuration length " + length + " is out of range");
    }
    ByteBuffer rest = ByteBuffer.allocate(length + 4);
    readFully(channel, rest, FIXED_HEADER_BYTES - 4, file);
    CRC32C crc = new CRC32C();
    crc.update(fixed.array());
    crc.update(rest.array(), 0, length);
    if ((int) crc.getValue() != rest.getInt(length)) {
      throw damaged(file, "header checksum mismatch");
    }
    try {
      return new SnapshotMeta(index, term, Configuration.decode(java.util.Arrays.copyOf(rest.array(), length)));
    } catch (IllegalArgumentException e) {
      throw damaged(file, "bad header: " + e.getMessage());
    }
  }

  static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw damaged(file, "truncated at byte " + at);
      }
      at += n;
    }
    buffer.flip();
  }

  static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  static IOException damaged(Path file, String problem) {
    return new IOException("snapshot file " + file + " is damaged: " + problem);
  }
}
