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

  /** Entries after {@link #compactedIndex}, in order. */
  private final List<LogEntry> entries = new ArrayList<>();
  private HardState hardState = HardState.EMPTY;
  private long compactedIndex;
  private long compactedTerm;

  @Override
  public HardState hardState() {
    return hardState;
  }

  @Override
  public long firstIndex() {
    return compactedIndex + 1;
  }

  @Override
  public long lastIndex() {
    return compactedIndex + entries.size();
  }

  @Override
  public long term(long index) {
    if (index == compactedIndex) {
      return compactedTerm;
    }
    checkRange(index, index + 1);
    return entry(index).term();
  }

  @Override
  public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
    checkRange(from, toExclusive);
    List<LogEntry> out = new ArrayList<>();
    long bytes = 0;
    for (long i = from; i < toExclusive; i++) {
      LogEntry e = entry(i);
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
      if (first <= compactedIndex || first > lastIndex() + 1) {
        throw new IllegalArgumentException("entries starting at " + first + " do not fit the log ["
            + firstIndex() + ", " + lastIndex() + "]");
      }
      entries.subList((int) (first - firstIndex()), entries.size()).clear();
      entries.addAll(newEntries);
    }
    if (hardState != null) {
      this.hardState = hardState;
    }
  }

  @Override
  public void compact(long index, long term) {
    if (index < compactedIndex || index > lastIndex()) {
      throw new IllegalArgumentException("cannot compact up to entry " + index + " of the log [" + firstIndex()
          + ", " + lastIndex() + "]");
    }
    if (term(index) != term) {
      throw new IllegalArgumentException("cannot compact up to entry " + index + " at term " + term
          + ": the log holds it at term " + term(index));
    }
    entries.subList(0, (int) (index - compactedIndex)).clear();
    compactedIndex = index;
    compactedTerm = term;
  }

  @Override
  public void installSnapshot(long index, long term) {
    if (index < compactedIndex) {
      throw new IllegalArgumentException("cannot install a snapshot at entry " + index + ": the log was compacted"
          + " up to entry " + compactedIndex);
    }
    if (index <= lastIndex() && term(index) == term) {
      compact(index, term);
      return;
    }
    entries.clear();
    compactedIndex = index;
    compactedTerm = term;
  }

  @Override
  public void close() {
    // Contents stay: a restarted member reads them back.
  }

  private LogEntry entry(long index) {
    return entries.get((int) (index - firstIndex()));
  }

  private void checkRange(long from, long toExclusive) {
    if (from < firstIndex() || toExclusive > lastIndex() + 1 || from > toExclusive) {
      throw new IndexOutOfBoundsException("entries [" + from + ", " + toExclusive + ") are outside the log ["
          + firstIndex() + ", " + lastIndex() + "]");
    }
  }
}
