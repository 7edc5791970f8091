package io.polis.raft;

import io.polis.time.Clock;
import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Entries, clocks and a force counter for the {@link FileRaftStorage} tests. */
final class StorageFixtures {

  /** Bytes of the data of {@link #entry}: 8, so every record takes {@link #RECORD_BYTES}. */
  static final int DATA_BYTES = 8;
  static final int RECORD_BYTES = LogRecordCodec.OVERHEAD + DATA_BYTES;

  private StorageFixtures() {}

  static LogEntry entry(long term, long index) {
    byte[] data = String.format("%08d", index % 100_000_000).getBytes(StandardCharsets.US_ASCII);
    return new LogEntry(term, index, EntryKind.COMMAND, data);
  }

  /** Entries {@code [from, to]}, all at {@code term}. */
  static List<LogEntry> entries(long term, long from, long to) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(entry(term, i));
    }
    return out;
  }

  /** Where record {@code index} of a segment starting at {@code firstIndex} begins, for {@link #entry}. */
  static long recordOffset(long firstIndex, long index) {
    return LogSegment.HEADER_BYTES + (index - firstIndex) * RECORD_BYTES;
  }

  static Path segment(Path directory, long firstIndex) {
    return directory.resolve(LogSegment.fileName(firstIndex));
  }

  /** Counts forces without making them, so tests neither wait for the disk nor load it. */
  static final class CountingSyncer implements Syncer {
    int forces;

    @Override
    public void force(Path file, FileChannel channel, boolean metadata) {
      forces++;
    }
  }

  /** A clock that moves only when told. */
  static final class ManualClock implements Clock {
    long nanos;

    @Override
    public long nanos() {
      return nanos;
    }
  }
}
