package io.polis.runtime.formation;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.FileRaftStorage;
import io.polis.raft.HardState;
import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * <p>Command line, on stopped members only (the store's directory lock refuses a running one):
 * <pre>
 *   QuorumRecovery inspect &lt;raft dir&gt;...
 *   QuorumRecovery force &lt;term&gt; &lt;id@host:port,...&gt; &lt;raft dir&gt;...
 * </pre>
 */
public final class QuorumRecovery {

  private QuorumRecovery() {}

  /**
   * What a stopped member's store holds.
   *
   * @param directory the store's directory
   * @param term the latest term it has seen
   * @param lastIndex its last log index
   * @param lastTerm the term of that entry
   * @param configuration its latest configuration entry, or null if the log it holds has none
   */
  public record Inspection(Path directory, long term, long lastIndex, long lastTerm,
      @org.jspecify.annotations.Nullable Configuration configuration) {}

  /**
   * Reads a stopped member's store.
   *
   * @param raftDirectory the {@link FileRaftStorage} directory
   * @return what it holds
   */
  public static Inspection inspect(Path raftDirectory) {
    try (FileRaftStorage storage = FileRaftStorage.open(raftDirectory)) {
      return new Inspection(raftDirectory, storage.hardState().term(), storage.lastIndex(),
          storage.term(storage.lastIndex()), InitialLog.latestConfiguration(storage));
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
   * raises its term to it. Run it on every survivor with the same voters and term.
   *
   * @param raftDirectory the {@link FileRaftStorage} directory of a stopped survivor
   * @param voters the survivors, with their addresses
   * @param term a term above every survivor's ({@link #recoveryTerm})
   * @return the index of the forced entry
   * @throws IllegalArgumentException if the term is not above this member's term and its last entry's
   */
  public static long force(Path raftDirectory, Configuration voters, long term) {
    if (voters.voters().isEmpty()) {
      throw new IllegalArgumentException("the forced configuration needs at least one voter");
    }
    try (FileRaftStorage storage = FileRaftStorage.open(raftDirectory)) {
      HardState hs = storage.hardState();
      long last = storage.lastIndex();
      if (term <= hs.term() || term <= storage.term(last)) {
        throw new IllegalArgumentException("recovery term " + term + " must be above the member's term " + hs.term()
            + " and its last entry's term " + storage.term(last) + " (use recoveryTerm over every survivor)");
      }
      long index = last + 1;
      storage.save(new HardState(term, null, hs.commit()),
          List.of(new LogEntry(term, index, EntryKind.CONFIGURATION, voters.encode())));
      storage.sync();
      return index;
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
