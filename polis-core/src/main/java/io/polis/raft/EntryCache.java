package io.polis.raft;

import io.polis.wire.LogEntry;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The newest entries saved, up to a byte budget, so that a leader sending followers what it has just
 * saved reads no file. It mirrors the tail of the log: truncation and compaction apply to it too.
 */
final class EntryCache {

  private final long maxBytes;
  /** Entries before {@code head} were evicted; they are cut out once they are half the list. */
  private final List<LogEntry> entries = new ArrayList<>();
  private int head;
  private long bytes;

  EntryCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Returns the index of the oldest cached entry, or {@link Long#MAX_VALUE} when none is. */
  long firstIndex() {
    return head == entries.size() ? Long.MAX_VALUE : entries.get(head).index();
  }

  @Nullable LogEntry get(long index) {
    long first = firstIndex();
    if (index < first || index - first >= entries.size() - head) {
      return null;
    }
    return entries.get(head + (int) (index - first));
  }

  /** Adds entries just appended to the log, after {@link #truncateFrom} removed what they replace. */
  void append(List<LogEntry> batch) {
    if (maxBytes == 0 || batch.isEmpty()) {
      return;
    }
    if (head < entries.size() && batch.get(0).index() != entries.get(entries.size() - 1).index() + 1) {
      clear();
    }
    for (LogEntry e : batch) {
      entries.add(e);
      bytes += e.sizeInBytes();
    }
    while (bytes > maxBytes && head < entries.size()) {
      bytes -= entries.get(head++).sizeInBytes();
    }
    if (head > 0 && head >= entries.size() - head) {
      entries.subList(0, head).clear();
      head = 0;
    }
  }

  /** Forgets the entries at and after {@code index}. */
  void truncateFrom(long index) {
    long first = firstIndex();
    if (index <= first) {
      clear();
    } else if (index - first < entries.size() - head) {
      List<LogEntry> dropped = entries.subList(head + (int) (index - first), entries.size());
      for (LogEntry e : dropped) {
        bytes -= e.sizeInBytes();
      }
      dropped.clear();
    }
  }

  /** Forgets the entries at and before {@code index}. */
  void discardUpTo(long index) {
    while (head < entries.size() && entries.get(head).index() <= index) {
      bytes -= entries.get(head++).sizeInBytes();
    }
  }

  private void clear() {
    entries.clear();
    head = 0;
    bytes = 0;
  }
}
