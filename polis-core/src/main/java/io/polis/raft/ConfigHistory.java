package io.polis.raft;

import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configurations found in the log, by index, over a base (the initial configuration, later the
 * snapshot's). The latest one is in force even before it commits (Raft thesis §4.1); truncating its entry
 * brings back the one before.
 */
final class ConfigHistory {

  private static final Logger log = LoggerFactory.getLogger(ConfigHistory.class);

  private final TreeMap<Long, Configuration> byIndex = new TreeMap<>();

  ConfigHistory(Configuration base) {
    byIndex.put(0L, base);
  }

  /** The configuration in force at {@code index}: the latest at or before it. */
  Configuration at(long index) {
    return byIndex.floorEntry(index).getValue();
  }

  /** Forgets everything for a snapshot's configuration: the log before it is gone. */
  void reset(Configuration base) {
    byIndex.clear();
    byIndex.put(0L, base);
  }

  Configuration current() {
    return byIndex.lastEntry().getValue();
  }

  long currentIndex() {
    return byIndex.lastKey();
  }

  /** Records the configuration entries among {@code entries}, first forgetting any at or after the first one. */
  void onAppend(List<LogEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    byIndex.tailMap(Math.max(1, entries.get(0).index()), true).clear();
    for (LogEntry e : entries) {
      if (e.kind() == EntryKind.CONFIGURATION) {
        try {
          byIndex.put(e.index(), Configuration.decode(e.data()));
        } catch (IllegalArgumentException bad) {
          // A leader wrote it, so every member reads the same bytes; skipping keeps them in agreement.
          log.error("configuration entry {} is unreadable and is ignored: {}", e.index(), bad.getMessage());
        }
      }
    }
  }

  Map<Long, Configuration> asMap() {
    return java.util.Collections.unmodifiableMap(byIndex);
  }
}
