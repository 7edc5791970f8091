package io.polis.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Keeps where the log was last compacted in the {@value #FILE_NAME} file: the index and term of the last
 * entry discarded. Recovery needs both, since the segments may no longer hold that entry but
 * {@link RaftStorage#term} must still answer for it.
 */
final class CompactionFile {

  static final String FILE_NAME = "compaction";
  private static final int MAGIC = 0x50434d50; // "PCMP"

  /** Where the log was compacted. */
  record Mark(long index, long term) {}

  private final MetadataFile file;

  CompactionFile(Path directory) {
    this.file = new MetadataFile(directory, FILE_NAME, MAGIC);
  }

  Path path() {
    return file.path();
  }

  /** Writes and forces the mark: segments are deleted only after it is durable. */
  void write(Mark mark, Syncer syncer) throws IOException {
    file.write(ByteBuffer.allocate(16).putLong(mark.index()).putLong(mark.term()).array(), syncer);
  }

  /** Returns the mark, or empty when the log was never compacted. */
  Optional<Mark> read() throws IOException {
    Optional<byte[]> bytes = file.read();
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    ByteBuffer payload = ByteBuffer.wrap(bytes.get());
    long index = payload.remaining() == 16 ? payload.getLong() : -1;
    long term = payload.remaining() == 8 ? payload.getLong() : -1;
    if (index < 1 || term < 0) {
      throw new CorruptLogException(path(), 0, "impossible compaction mark (index " + index + ", term " + term + ")");
    }
    return Optional.of(new Mark(index, term));
  }

  boolean deleteLeftover() throws IOException {
    return file.deleteLeftover();
  }
}
