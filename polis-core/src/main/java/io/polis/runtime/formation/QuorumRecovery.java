package io.polis.runtime.formation;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.FileRaftStorage;
import io.polis.raft.FileSnapshotStore;
import io.polis.raft.HardState;
import io.polis.raft.SnapshotMeta;
import io.polis.raft.StoredSnapshot;
import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The operator's way out of a permanent loss of quorum (like Consul's {@code peers.json} or etcd's
 * {@code --force-new-cluster}): on the stopped survivors' data directories, append a configuration entry
 * naming only the survivors as voters, then start them. See docs/operations.md, "Permanent quorum loss".
 *
 * <p>Why it is safe among the survivors: the forced entry goes after each survivor's last entry, so no
 * entry it has (committed or not) is lost there; and it carries a term above every term any survivor has
 * seen ({@link #recoveryTerm}), the same on all of them, so it can never share an index and a term with a
 * different entry elsewhere (Raft §5.3, Log Matching). Whichever survivor is elected, its latest
 * configuration names the survivors. What it cannot make safe: a lost member that comes back on its old
 * data still believes in the old configuration. Wipe the lost members' directories; they may rejoin as new
 * members.
 *
 * <p>A member whose log was compacted keeps the entries before its newest snapshot only in the snapshot,
 * configuration included; both commands read the snapshots too, from the {@value #SNAPSHOT_DIRECTORY}
 * directory beside the Raft directory ({@code <data dir>/raft} and {@code <data dir>/snapshots}) unless told
 * otherwise.
 *
 * <p>Command line, on stopped members only (the stores' directory locks refuse a running one):
 * <pre>
 *   QuorumRecovery inspect &lt;raft dir&gt;...
 *   QuorumRecovery force &lt;term&gt; &lt;id@host:port,...&gt; &lt;raft dir&gt;...
 * </pre>
 */
public final class QuorumRecovery {

  /** The name of a member's snapshot directory, beside its Raft directory in the data directory. */
  public static final String SNAPSHOT_DIRECTORY = "snapshots";

  private QuorumRecovery() {}

  /** Where an inspection found the configuration it reports. */
  public enum ConfigurationSource {
    /** A configuration entry the log holds. */
    LOG,
    /** The newest snapshot: the log was compacted past every configuration entry it had. */
    SNAPSHOT
  }

  /**
   * What a stopped member's stores hold.
   *
   * @param directory the Raft store's directory
   * @param term the latest term it has seen
   * @param lastIndex its last log index, or its newest snapshot's if that is further (a snapshot received
   *     just before a crash, which the log follows once the member starts)
   * @param lastTerm the term of that entry
   * @param configuration the latest configuration, from the log or else from the newest snapshot; null if
   *     neither has one
   * @param configurationSource where {@code configuration} was found; null when it is null
   * @param lostEntry an entry the member may have acknowledged and lost, which it waits to get back from a
   *     leader (see {@link HardState.LostEntry}); {@link #force} gives up waiting
   */
  public record Inspection(Path directory, long term, long lastIndex, long lastTerm,
      @Nullable Configuration configuration, @Nullable ConfigurationSource configurationSource,
      HardState.@Nullable LostEntry lostEntry) {}

  /**
   * Reads a stopped member's stores, its snapshots from the {@value #SNAPSHOT_DIRECTORY} directory beside
   * {@code raftDirectory}.
   *
   * @param raftDirectory the {@link FileRaftStorage} directory
   * @return what it holds
   */
  public static Inspection inspect(Path raftDirectory) {
    return inspect(raftDirectory, snapshotDirectoryBeside(raftDirectory));
  }

  /**
   * Reads a stopped member's stores.
   *
   * @param raftDirectory the {@link FileRaftStorage} directory
   * @param snapshotDirectory the {@link FileSnapshotStore} directory; none there is no snapshot
   * @return what it holds
   */
  public static Inspection inspect(Path raftDirectory, Path snapshotDirectory) {
    try (FileRaftStorage storage = FileRaftStorage.open(raftDirectory)) {
      SnapshotMeta snapshot = newestSnapshot(snapshotDirectory);
      long lastIndex = storage.lastIndex();
      long lastTerm = storage.term(lastIndex);
      if (snapshot != null && snapshot.index() > lastIndex) {
        lastIndex = snapshot.index();
        lastTerm = snapshot.term();
      }
      List<LogEntry> entries = storage.configurationEntries();
      LogEntry inLog = entries.isEmpty() ? null : entries.get(entries.size() - 1);
      // The newer of the two: the snapshot's is the configuration in force at its index.
      if (inLog != null && (snapshot == null || inLog.index() > snapshot.index())) {
        return new Inspection(raftDirectory, storage.hardState().term(), lastIndex, lastTerm,
            Configuration.decode(inLog.data()), ConfigurationSource.LOG, storage.hardState().lostEntry());
      }
      if (snapshot != null) {
        return new Inspection(raftDirectory, storage.hardState().term(), lastIndex, lastTerm, snapshot.configuration(),
            ConfigurationSource.SNAPSHOT, storage.hardState().lostEntry());
      }
      return new Inspection(raftDirectory, storage.hardState().term(), lastIndex, lastTerm, null, null,
          storage.hardState().lostEntry());
    }
  }

  /**
   * Returns the term to force with: one above every term the survivors have seen or logged.
   *
   * @param survivors the survivors' inspections
   * @return the term to pass to {@link #force} on every survivor
   */
  public static long recoveryTerm(List<Inspection> survivors) {
    long max = 0;
    for (Inspection i : survivors) {
      max = Math.max(max, Math.max(i.term(), i.lastTerm()));
    }
    return max + 1;
  }

  /**
   * Appends a configuration entry naming {@code voters} to a stopped member's log, at {@code term}, and
   * raises its term to it; its snapshots are in the {@value #SNAPSHOT_DIRECTORY} directory beside
   * {@code raftDirectory}. Run it on every survivor with the same voters and term.
   *
   * @param raftDirectory the {@link FileRaftStorage} directory of a stopped survivor
   * @param voters the survivors, with their addresses
   * @param term a term above every survivor's ({@link #recoveryTerm})
   * @return the index of the forced entry
   * @throws IllegalArgumentException if the term is not above this member's term and its last entry's
   */
  public static long force(Path raftDirectory, Configuration voters, long term) {
    return force(raftDirectory, snapshotDirectoryBeside(raftDirectory), voters, term);
  }

  /**
   * Appends a configuration entry naming {@code voters} to a stopped member's log, at {@code term}, and
   * raises its term to it. Run it on every survivor with the same voters and term. A lost entry the member
   * was waiting for is given up: the operator accepts that it may be gone.
   *
   * <p>If the newest snapshot goes past the log (one received just before a crash), the log is first made
   * to follow it, as the member itself would at start, and the entry goes after the snapshot: left inside
   * the snapshot's range, the start would discard it with the rest of the log.
   *
   * @param raftDirectory the {@link FileRaftStorage} directory of a stopped survivor
   * @param snapshotDirectory its {@link FileSnapshotStore} directory; none there is no snapshot
   * @param voters the survivors, with their addresses
   * @param term a term above every survivor's ({@link #recoveryTerm})
   * @return the index of the forced entry
   * @throws IllegalArgumentException if the term is not above this member's term and its last entry's
   */
  public static long force(Path raftDirectory, Path snapshotDirectory, Configuration voters, long term) {
    if (voters.voters().isEmpty()) {
      throw new IllegalArgumentException("the forced configuration needs at least one voter");
    }
    try (FileRaftStorage storage = FileRaftStorage.open(raftDirectory)) {
      HardState hs = storage.hardState();
      SnapshotMeta snapshot = newestSnapshot(snapshotDirectory);
      long lastTerm = Math.max(storage.term(storage.lastIndex()), snapshot == null ? 0 : snapshot.term());
      if (term <= hs.term() || term <= lastTerm) {
        throw new IllegalArgumentException("recovery term " + term + " must be above the member's term " + hs.term()
            + " and its last entry's term " + lastTerm + " (use recoveryTerm over every survivor)");
      }
      if (snapshot != null && snapshot.index() >= storage.firstIndex() - 1
          && (snapshot.index() > storage.lastIndex() || storage.term(snapshot.index()) != snapshot.term())) {
        storage.installSnapshot(snapshot.index(), snapshot.term());
      }
      long index = storage.lastIndex() + 1;
      // Without the lost entry: the survivors are all there is, so nobody can give it back.
      storage.save(new HardState(term, null, hs.commit()),
          List.of(new LogEntry(term, index, EntryKind.CONFIGURATION, voters.encode())));
      storage.sync();
      return index;
    }
  }

  private static Path snapshotDirectoryBeside(Path raftDirectory) {
    Path parent = raftDirectory.toAbsolutePath().getParent();
    return parent == null ? raftDirectory.resolve(SNAPSHOT_DIRECTORY) : parent.resolve(SNAPSHOT_DIRECTORY);
  }

  /** The newest intact snapshot's meta, or null when there is none or no such directory. */
  private static @Nullable SnapshotMeta newestSnapshot(Path snapshotDirectory) {
    if (!Files.isDirectory(snapshotDirectory)) {
      return null;
    }
    try (FileSnapshotStore store = FileSnapshotStore.open(snapshotDirectory)) {
      return store.latest().map(StoredSnapshot::meta).orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the snapshots in " + snapshotDirectory, e);
    }
  }

  /**
   * The command line (see the class comment).
   *
   * @param args {@code inspect <dir>...} or {@code force <term> <id@host:port,...> <dir>...}
   */
  public static void main(String[] args) {
    if (args.length >= 2 && args[0].equals("inspect")) {
      for (int i = 1; i < args.length; i++) {
        System.out.println(inspect(Path.of(args[i])));
      }
      return;
    }
    if (args.length >= 4 && args[0].equals("force")) {
      long term = Long.parseLong(args[1]);
      Configuration voters = new Configuration(parseVoters(args[2]), Map.of());
      for (int i = 3; i < args.length; i++) {
        long index = force(Path.of(args[i]), voters, term);
        System.out.println(args[i] + ": forced " + voters + " at index " + index + ", term " + term);
      }
      return;
    }
    System.err.println("usage: QuorumRecovery inspect <raft dir>...\n"
        + "       QuorumRecovery force <term> <id@host:port,...> <raft dir>...");
    System.exit(2);
  }

  /**
   * Parses {@code id@host:port,...}.
   *
   * @param text the voters
   * @return the voters by id, in the given order
   */
  public static Map<MemberId, Address> parseVoters(String text) {
    Map<MemberId, Address> voters = new LinkedHashMap<>();
    for (String voter : text.split(",")) {
      int at = voter.indexOf('@');
      if (at <= 0) {
        throw new IllegalArgumentException("voter '" + voter + "' is not of the form memberId@host:port");
      }
      voters.put(MemberId.parse(voter.substring(0, at).trim()), Address.parse(voter.substring(at + 1)));
    }
    return voters;
  }
}
