package io.polis.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A {@link FileRaftStorage} found data it cannot trust: a damaged record before the end of the log, a gap
 * between segments, or a damaged or missing hard-state or compaction file. The store refuses to open
 * rather than drop entries that may have been committed; an operator must restore the directory or
 * rebuild the member from its peers.
 */
public final class CorruptLogException extends UncheckedIOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;

  /**
   * Creates the exception.
   *
   * @param file the damaged file
   * @param offset where in the file the damage starts
   * @param problem what was found there
   */
  public CorruptLogException(Path file, long offset, String problem) {
    this(problem + " in " + file + " at offset " + offset + "; the log cannot be trusted, so the storage"
        + " refuses to open. Restore the data directory from a backup, or rebuild this member from its peers",
        file, offset);
  }

  private CorruptLogException(String message, Path file, long offset) {
    super(message, new IOException(message));
    this.file = file;
    this.offset = offset;
  }

  /**
   * Returns the damaged file.
   *
   * @return its path
   */
  public Path file() {
    return file;
  }

  /**
   * Returns where in the file the damage starts.
   *
   * @return a byte offset
   */
  public long offset() {
    return offset;
  }
}
