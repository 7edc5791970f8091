package io.polis.raft;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Forces files to the disk. Every force of {@link FileRaftStorage} goes through one, so that tests can
 * count them (group commit promises one per save) and skip them where durability is not under test.
 */
@FunctionalInterface
interface Syncer {

  /** Forces through the operating system: {@code fdatasync}/{@code fsync} on Linux. */
  Syncer FORCE = (file, channel, metadata) -> channel.force(metadata);

  /**
   * Forces a file's written bytes to the disk.
   *
   * @param file the file's path, which a channel does not tell: a simulated disk keeps what is durable per
   *     file
   * @param channel the open file
   * @param metadata whether metadata such as times must be forced too; the size always is
   * @throws IOException if the disk reports a failure; what was written may then be lost
   */
  void force(Path file, FileChannel channel, boolean metadata) throws IOException;

  /**
   * Forces a directory, so that files created, renamed or deleted in it stay so after a machine crash.
   * Opening a directory as a channel works on Linux and macOS, which is where a data directory lives.
   *
   * @param directory the directory
   * @throws IOException if the directory cannot be opened or forced
   */
  default void forceDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      force(directory, channel, true);
    }
  }
}
