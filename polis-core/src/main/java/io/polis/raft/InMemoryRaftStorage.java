package io.polis.raft;

import io.polis.wire.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RaftStorage} in memory. What was saved survives {@link #close()}, so the simulator can crash a
 * member and restart it on the same store as a disk would let it; nothing survives the JVM.
 */
public final class InMemoryRaftStorage implements RaftStorage {

  private final List<LogEntry> entries = new ArrayList<>();
  private HardState hardState = HardState.EMPTY;

  @Override
  public HardState hardState() {
    return hardState;
  }

  @Override
  public long firstIndex() {
    return 1;
  }

  @Override
  public long lastIndex() {
    return entries.size();
  }

  @Override
  public long term(long index) {
    if (index == 0) {
      return 0;
    }
    checkRange(index, index + 1);
    return entries.get((int) index - 1).term();
  }

  @Override
  public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
    checkRange(from, toExclusive);
    List<LogEntry> out = new ArrayList<>();
    long bytes = 0;
    for (long i = from; i < toExclusive; i++) {
      LogEntry e = entries.get((int) i - 1);
      bytes += e.sizeInBytes();
      if (!out.isEmpty() && bytes > maxBytes) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  @Override
  public void save(@Nullable HardState hardState, List<LogEntry> newEntries) {
    Objects.requireNonNull(newEntries, "entries");
    if (!newEntries.isEmpty()) {
      long first = newEntries.get(0).index();
      if (first < 1 || first > entries.size() + 1) {
        throw new IllegalArgumentException("entries starting at " + first + " would leave a gap after "
            + entries.size());
      }
      entries.subList((int) first - 1, entries.size()).clear();
      entries.addAll(newEntries);
    }
    if (hardState != null) {
      this.hardState = hardState;
    }
  }

  @Override
  public void close() {
    // Contents stay: a restarted member reads them back.
  }

  private void checkRange(long from, long toExclusive) {
    if (from < 1 || toExclusive > entries.size() + 1 || from > toExclusive) {
      throw new IndexOutOfBoundsException("entries [" + from + ", " + toExclusive + ") are outside the log [1, "
          + entries.size() + "]");
    }
  }
}
