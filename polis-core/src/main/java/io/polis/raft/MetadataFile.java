package io.polis.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A small file replaced atomically: the new content goes to a temporary file, which is forced, renamed
 * over the old one, and the directory forced. A crash leaves either the old or the new content, plus
 * perhaps a temporary file that {@link #deleteLeftover} removes at the next open.
 *
 * <p>Layout: magic (4 bytes), version (4), payload length (4), payload, CRC32C of everything before it
 * (4). Big-endian.
 */
final class MetadataFile {

  static final String TEMP_SUFFIX = ".tmp";
  private static final int VERSION = 1;
  private static final int OVERHEAD = 16;

  private final Path directory;
  private final Path path;
  private final int magic;

  MetadataFile(Path directory, String name, int magic) {
    this.directory = directory;
    this.path = directory.resolve(name);
    this.magic = magic;
  }

  Path path() {
    return path;
  }

  /**
   * Replaces the file's content.
   *
   * @param payload the new content
   * @param syncer forces the file and the directory
   */
  void write(byte[] payload, Syncer syncer) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(OVERHEAD + payload.length);
    buffer.putInt(magic).putInt(VERSION).putInt(payload.length).put(payload);
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), 0, buffer.position());
    buffer.putInt((int) crc.getValue()).flip();
    Path temp = tempPath();
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      syncer.force(temp, channel, true);
    }
    try {
      Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      // Only file systems without rename(2) get here; a data directory should not live on one.
      Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
    }
    syncer.forceDirectory(directory);
  }

  /**
   * Reads and verifies the content.
   *
   * @return the payload, or empty when the file does not exist
   * @throws CorruptLogException if the file exists but is damaged
   */
  Optional<byte[]> read() throws IOException {
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    byte[] bytes = Files.readAllBytes(path);
    if (bytes.length < OVERHEAD) {
      throw new CorruptLogException(path, 0, "file of " + bytes.length + " bytes is too short");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int foundMagic = buffer.getInt();
    int version = buffer.getInt();
    int length = buffer.getInt();
    if (foundMagic != magic) {
      throw new CorruptLogException(path, 0, "bad magic number 0x" + Integer.toHexString(foundMagic));
    }
    if (version != VERSION) {
      throw new CorruptLogException(path, 4, "unknown format version " + version);
    }
    if (length != bytes.length - OVERHEAD) {
      throw new CorruptLogException(path, 8, "payload length " + length + " does not match the file size "
          + bytes.length);
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
      throw new CorruptLogException(path, 0, "checksum mismatch");
    }
    byte[] payload = new byte[length];
    buffer.get(payload);
    return Optional.of(payload);
  }

  /**
   * Deletes a temporary file left by a write that a crash interrupted: its rename never happened, so the
   * file it was replacing is still whole.
   *
   * @return whether there was one
   */
  boolean deleteLeftover() throws IOException {
    return Files.deleteIfExists(tempPath());
  }

  private Path tempPath() {
    return directory.resolve(path.getFileName() + TEMP_SUFFIX);
  }
}
