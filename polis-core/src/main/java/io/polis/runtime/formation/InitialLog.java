package io.polis.runtime.formation;

import io.polis.raft.Configuration;
import io.polis.raft.HardState;
import io.polis.raft.RaftStorage;
import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.util.List;

/**
 * Bootstraps a group by writing its first voters as the log's first entry, as etcd does, rather than
 * handing the driver an initial configuration that lives nowhere on disk. So a bootstrapped member
 * restarts from its log alone, a member that joins reads the voters from the log it receives, and "has
 * this member Raft state?" has one answer: its storage is not empty.
 *
 * <p>Every bootstrapping member writes the same entry (same index 1, term 1 and bytes: the voters are
 * sorted by id), so their logs match (Raft §5.3) whichever of them is elected first.
 */
public final class InitialLog {

  /** The term of the bootstrap entry: the first term, which no election has used yet. */
  public static final long BOOTSTRAP_TERM = 1;

  private InitialLog() {}

  /**
   * Tells whether a member has Raft state and must therefore never bootstrap.
   *
   * @param storage the member's storage
   * @return true when it holds entries (or compacted ones), or has seen a term
   */
  public static boolean hasState(RaftStorage storage) {
    return storage.lastIndex() > 0 || storage.firstIndex() > 1 || storage.hardState().term() > 0;
  }

  /**
   * Writes the bootstrap entry. The driver must then be created with {@link Configuration#EMPTY}: the
   * voters come from the log.
   *
   * @param storage an empty storage, not yet used by a driver
   * @param voters the first voters
   * @throws IllegalStateException if the storage has state (bootstrapping twice could fork the group)
   */
  public static void bootstrap(RaftStorage storage, Configuration voters) {
    if (hasState(storage)) {
      throw new IllegalStateException("refusing to bootstrap a member that already has Raft state (last index "
          + storage.lastIndex() + ", term " + storage.hardState().term() + ")");
    }
    if (voters.voters().isEmpty()) {
      throw new IllegalArgumentException("a group needs at least one voter to bootstrap");
    }
    storage.save(new HardState(BOOTSTRAP_TERM, null, 0),
        List.of(new LogEntry(BOOTSTRAP_TERM, 1, EntryKind.CONFIGURATION, voters.encode())));
  }

  /**
   * Reads the latest configuration entry a storage holds.
   *
   * @param storage the storage
   * @return the configuration, or null when the log it still holds has none
   */
  public static @org.jspecify.annotations.Nullable Configuration latestConfiguration(RaftStorage storage) {
    for (long i = storage.lastIndex(); i >= storage.firstIndex(); i--) {
      LogEntry e = storage.entries(i, i + 1, Long.MAX_VALUE).get(0);
      if (e.kind() == EntryKind.CONFIGURATION) {
        return Configuration.decode(e.data());
      }
    }
    return null;
  }
}
