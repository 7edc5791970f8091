package io.polis.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a directory to one store: two {@link FileRaftStorage}s appending to one log would corrupt it, and
 * a second {@link FileSnapshotStore} would delete the first one's files of a save or transfer in progress.
 *
 * <p>An operating-system lock on the {@code lock} file keeps other processes out. It cannot keep this
 * JVM out, and worse, on POSIX systems closing any channel on the file releases every lock this JVM holds
 * on it; so directories locked here are also remembered in a JVM-wide set, checked before the file is
 * even opened.
 */
final class DirectoryLock implements AutoCloseable {

  static final String FILE_NAME = "lock";

  private static final Set<Path> LOCKED_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  /** Who holds a directory and what a second holder would break, for the message that refuses it. */
  record Holder(String directoryKind, String consequence) {
    static final Holder RAFT_LOG = new Holder("data directory", "two stores on one directory would corrupt the log");
  }

  private final Path directory;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path directory, FileChannel channel, FileLock lock) {
    this.directory = directory;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks an existing data directory of a {@link FileRaftStorage}.
   *
   * @param directory the data directory
   * @return the held lock
   * @throws UncheckedIOException naming the directory if another store holds it, or on an I/O failure
   */
  static DirectoryLock acquire(Path directory) {
    return acquire(directory, Holder.RAFT_LOG);
  }

  /**
   * Locks an existing directory.
   *
   * @param directory the directory
   * @param holder what kind of directory it is and why a second store must stay out, for the refusal
   * @return the held lock
   * @throws UncheckedIOException naming the directory if another store holds it, or on an I/O failure
   */
  static DirectoryLock acquire(Path directory, Holder holder) {
    Path key;
    try {
      key = directory.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve the " + holder.directoryKind() + " " + directory, e);
    }
    if (!LOCKED_IN_THIS_JVM.add(key)) {
      throw inUse(directory, holder, "by another store in this process");
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(key.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw inUse(directory, holder, "by another process");
      }
      return new DirectoryLock(key, channel, lock);
    } catch (OverlappingFileLockException e) {
      // Something else in this JVM locked the file without going through this class.
      closeQuietly(channel);
      LOCKED_IN_THIS_JVM.remove(key);
      throw inUse(directory, holder, "by other code in this process");
    } catch (IOException e) {
      closeQuietly(channel);
      LOCKED_IN_THIS_JVM.remove(key);
      throw new UncheckedIOException("cannot lock the " + holder.directoryKind() + " " + directory, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      LOCKED_IN_THIS_JVM.remove(key);
      throw e;
    }
  }

  private static UncheckedIOException inUse(Path directory, Holder holder, String by) {
    String message = holder.directoryKind() + " " + directory + " is already in use " + by + " (its " + FILE_NAME
        + " file is locked); " + holder.consequence() + ", so close the other first";
    return new UncheckedIOException(message, new IOException(message));
  }

  private static void closeQuietly(@org.jspecify.annotations.Nullable FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Already failing with a clearer reason.
      }
    }
  }

  /** Releases the lock; the lock file stays, since deleting it would race with the next opener. */
  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lock on " + directory, e);
    } finally {
      LOCKED_IN_THIS_JVM.remove(directory);
    }
  }
}
