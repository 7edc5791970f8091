package io.polis.runtime.formation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.FileRaftStorage;
import io.polis.raft.FileSnapshotStore;
import io.polis.raft.FileStorageConfig;
import io.polis.raft.RaftGroup;
import io.polis.raft.RaftRole;
import io.polis.raft.SimulatedDisk;
import io.polis.raft.StateMachine;
import io.polis.raft.StateSnapshot;
import io.polis.runtime.RaftDriver;
import io.polis.runtime.RaftDriverConfig;
import io.polis.runtime.SnapshotPolicy;
import io.polis.runtime.formation.QuorumRecovery.ConfigurationSource;
import io.polis.sim.PausableScheduler;
import io.polis.sim.Simulation;
import io.polis.transport.TransportConfig;
import io.polis.transport.local.LocalTransport;
import io.polis.wire.RaftMessage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group of five on the file store loses three members for good; the two survivors are stopped, the
 * recovery tool forces a configuration naming them into their logs, and restarted they elect a leader and
 * accept writes, with every write acknowledged before the loss still there. The same once their logs were
 * compacted into snapshots, where the configuration lives only in the snapshot.
 */
class QuorumRecoveryTest {

  /** Snapshots every 5 entries and keeps none behind them: the bootstrap configuration entry is soon gone. */
  private static final RaftDriverConfig COMPACTING = RaftDriverConfig.defaults()
      .withSnapshots(SnapshotPolicy.defaults().withEvery(5, 0));

  @TempDir
  Path dir;

  private final Simulation sim = new Simulation(42);
  private final List<MemberId> ids = new ArrayList<>();
  private final Map<MemberId, Address> addresses = new LinkedHashMap<>();
  private final Map<MemberId, Node> running = new LinkedHashMap<>();
  private RaftDriverConfig config = RaftDriverConfig.defaults();

  /** One member on its own directories; its driver and files are closed by {@link #stop}. */
  private record Node(RaftDriver driver, FileRaftStorage storage, FileSnapshotStore snapshots,
      PausableScheduler scheduler, LocalTransport transport, Applied applied) {}

  @AfterEach
  void stopAll() {
    List.copyOf(running.keySet()).forEach(this::stop);
  }

  @Test
  void fiveMembersThatLostThreeForeverAreRevivedOnTheTwoSurvivors() {
    bootstrapFive();
    ids.forEach(this::start);
    RaftDriver leader = awaitLeader();
    for (int i = 0; i < 20; i++) {
      await(leader.propose(("before-" + i).getBytes(StandardCharsets.UTF_8)));
    }

    // Three members are gone forever (their machines burned); the two left cannot make a quorum of five.
    List<MemberId> survivors = List.of(ids.get(0), ids.get(1));
    ids.subList(2, 5).forEach(this::stop);
    sim.scheduler().advance(Duration.ofSeconds(3));
    CompletableFuture<RaftGroup.Applied> stuck = running.get(survivors.get(0)).driver().propose(bytes("stuck"));
    sim.scheduler().advance(Duration.ofSeconds(6));
    assertThat(stuck).as("a write without a quorum").isCompletedExceptionally();

    // The operator stops the survivors, inspects them, and forces the survivors' configuration.
    survivors.forEach(this::stop);
    List<QuorumRecovery.Inspection> inspections = survivors.stream().map(id -> QuorumRecovery.inspect(raftDir(id)))
        .toList();
    assertThatThrownBy(() -> QuorumRecovery.force(raftDir(survivors.get(0)), survivorsOnly(survivors),
        inspections.get(0).term())).as("a term not above the member's").isInstanceOf(IllegalArgumentException.class);
    Configuration forced = forceSurvivorsOnly(survivors, inspections);
    for (MemberId id : survivors) {
      assertThat(QuorumRecovery.inspect(raftDir(id)).configuration()).isEqualTo(forced);
    }

    survivors.forEach(this::start);
    assertRevived(survivors, "before-0", "before-19", "after");
  }

  /**
   * Compaction took the bootstrap configuration entry out of the log; the configuration is in the newest
   * snapshot, where inspect finds it and says so. Forced on top, the survivors restore their snapshots,
   * take the forced configuration from the log, elect a leader and go on.
   */
  @Test
  void survivorsWhoseLogsWereCompactedAreInspectedFromTheirSnapshotsAndRevived() {
    config = COMPACTING;
    bootstrapFive();
    Configuration original = new Configuration(addresses, Map.of());
    ids.forEach(this::start);
    RaftDriver leader = awaitLeader();
    for (int i = 0; i < 20; i++) {
      await(leader.propose(bytes("before-" + i)));
    }
    sim.scheduler().advance(Duration.ofSeconds(1)); // the last snapshots and compactions

    List<MemberId> survivors = List.of(ids.get(0), ids.get(1));
    ids.forEach(this::stop);
    List<QuorumRecovery.Inspection> inspections = new ArrayList<>();
    for (MemberId id : survivors) {
      try (FileRaftStorage s = FileRaftStorage.open(raftDir(id), FileStorageConfig.defaults(), sim.scheduler())) {
        assertThat(s.firstIndex()).as("%s's log was compacted past its configuration entry", id.shortForm())
            .isGreaterThan(1);
      }
      QuorumRecovery.Inspection inspection = QuorumRecovery.inspect(raftDir(id));
      assertThat(inspection.configuration()).as("configuration of %s", id.shortForm()).isEqualTo(original);
      assertThat(inspection.configurationSource()).isEqualTo(ConfigurationSource.SNAPSHOT);
      assertThat(inspection.toString()).contains("SNAPSHOT");
      inspections.add(inspection);
    }

    Configuration forced = forceSurvivorsOnly(survivors, inspections);
    for (MemberId id : survivors) {
      QuorumRecovery.Inspection after = QuorumRecovery.inspect(raftDir(id));
      assertThat(after.configuration()).isEqualTo(forced);
      assertThat(after.configurationSource()).isEqualTo(ConfigurationSource.LOG);
    }

    survivors.forEach(this::start);
    assertRevived(survivors, "before-0", "before-19", "after");
  }

  /**
   * A member that received a snapshot and crashed before its log followed it: the snapshot goes past the
   * log. At start the log is made to follow the snapshot, which discards the entries inside the snapshot's
   * range, so an entry forced right after the old log's end would be lost and the member would start on
   * the snapshot's configuration. The forced entry goes after the snapshot instead.
   */
  @Test
  void aForcedEntryGoesAfterASnapshotTheLogHadNotCaughtUpWith() throws IOException {
    config = COMPACTING;
    MemberId old = MemberId.random(sim.random());
    ids.add(old);
    addresses.put(old, new Address("10.0.2.1", 7800));
    bootstrap(old, new Configuration(addresses, Map.of()));
    start(old);
    RaftDriver leader = awaitLeader();
    for (int i = 0; i < 20; i++) {
      await(leader.propose(bytes("before-" + i)));
    }
    sim.scheduler().advance(Duration.ofSeconds(1));
    stop(old);

    // The survivor: its log holds its first entry only, its snapshot directory the sent snapshot.
    MemberId survivor = MemberId.random(sim.random());
    ids.add(survivor);
    addresses.put(survivor, new Address("10.0.2.2", 7800));
    bootstrap(survivor, new Configuration(Map.of(old, addresses.get(old)), Map.of()));
    Files.createDirectories(snapshotDir(survivor));
    try (Stream<Path> files = Files.list(snapshotDir(old))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".snap")).toList()) {
        Files.copy(file, snapshotDir(survivor).resolve(file.getFileName()));
      }
    }
    QuorumRecovery.Inspection inspection = QuorumRecovery.inspect(raftDir(survivor));
    assertThat(inspection.lastIndex()).as("the snapshot's index").isGreaterThan(2);
    assertThat(inspection.configurationSource()).isEqualTo(ConfigurationSource.SNAPSHOT);

    Configuration forced = survivorsOnly(List.of(survivor));
    long index = QuorumRecovery.force(raftDir(survivor), forced, QuorumRecovery.recoveryTerm(List.of(inspection)));
    assertThat(index).isEqualTo(inspection.lastIndex() + 1);

    start(survivor);
    // What the snapshot covers, not the last writes that only the old member's log held.
    assertRevived(List.of(survivor), "before-0", "before-14", "after");
  }

  /**
   * Both survivors cut off a damaged last record and wait for a leader to give the entry back, which
   * nobody left can do: inspect shows the wait, and force gives it up, so the survivors go on without it.
   */
  @Test
  void survivorsWaitingForALostEntryAreShownAndForceGivesTheWaitUp() {
    bootstrapFive();
    ids.forEach(this::start);
    RaftDriver leader = awaitLeader();
    for (int i = 0; i < 20; i++) {
      await(leader.propose(bytes("before-" + i)));
    }
    sim.scheduler().advance(Duration.ofSeconds(1));
    List<MemberId> survivors = List.of(ids.get(0), ids.get(1));
    ids.forEach(this::stop);
    SimulatedDisk disk = new SimulatedDisk(sim.fork(), new SimulatedDisk.Options(false, false));

    List<QuorumRecovery.Inspection> inspections = new ArrayList<>();
    for (MemberId id : survivors) {
      assertThat(disk.flipBit(raftDir(id), true)).isNotNull();
      QuorumRecovery.Inspection inspection = QuorumRecovery.inspect(raftDir(id));
      assertThat(inspection.lostEntry()).as("the wait of %s", id.shortForm()).isNotNull();
      assertThat(inspection.toString()).contains("LostEntry");
      inspections.add(inspection);
    }
    forceSurvivorsOnly(survivors, inspections);
    for (MemberId id : survivors) {
      assertThat(QuorumRecovery.inspect(raftDir(id)).lostEntry()).isNull();
    }

    survivors.forEach(this::start);
    assertRevived(survivors, "before-0", "before-18", "after");
  }

  private void bootstrapFive() {
    for (int i = 0; i < 5; i++) {
      MemberId id = MemberId.random(sim.random());
      ids.add(id);
      addresses.put(id, new Address("10.0.2." + (i + 1), 7800));
    }
    for (MemberId id : ids) {
      // The same first entry on each, as ClusterFormation writes it.
      bootstrap(id, new Configuration(addresses, Map.of()));
    }
  }

  private void bootstrap(MemberId id, Configuration voters) {
    try (FileRaftStorage s = FileRaftStorage.open(raftDir(id), FileStorageConfig.defaults(), sim.scheduler())) {
      InitialLog.bootstrap(s, voters);
    }
  }

  /** What the operator does: forces the survivors' configuration on each at the term the inspections give. */
  private Configuration forceSurvivorsOnly(List<MemberId> survivors, List<QuorumRecovery.Inspection> inspections) {
    Configuration forced = survivorsOnly(survivors);
    long term = QuorumRecovery.recoveryTerm(inspections);
    for (MemberId id : survivors) {
      QuorumRecovery.force(raftDir(id), forced, term);
    }
    return forced;
  }

  private Configuration survivorsOnly(List<MemberId> survivors) {
    Map<MemberId, Address> kept = new LinkedHashMap<>();
    survivors.forEach(id -> kept.put(id, addresses.get(id)));
    return new Configuration(kept, Map.of());
  }

  /** The survivors elect a leader of their own, take a write, and hold the writes from before the loss. */
  private void assertRevived(List<MemberId> survivors, String... applied) {
    RaftDriver revived = awaitLeader();
    assertThat(revived.status().configuration().voters()).containsOnlyKeys(survivors);
    await(revived.propose(bytes("after")));
    sim.scheduler().advance(Duration.ofSeconds(1));
    for (MemberId id : survivors) {
      assertThat(running.get(id).applied().commands).as("what %s applied", id.shortForm()).contains(applied);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Path raftDir(MemberId id) {
    return dir.resolve(id.toString()).resolve("raft");
  }

  private Path snapshotDir(MemberId id) {
    return dir.resolve(id.toString()).resolve(QuorumRecovery.SNAPSHOT_DIRECTORY);
  }

  private void start(MemberId id) {
    FileRaftStorage storage = FileRaftStorage.open(raftDir(id), FileStorageConfig.defaults(), sim.scheduler());
    FileSnapshotStore snapshots;
    try {
      snapshots = FileSnapshotStore.open(snapshotDir(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PausableScheduler scheduler = new PausableScheduler(sim.scheduler());
    LocalTransport transport = sim.network().transport(TransportConfig.builder(id).clusterName("sim")
        .advertisedAddress(addresses.get(id)).build());
    Applied applied = new Applied();
    RaftDriver driver = new RaftDriver(config, id, storage, Configuration.EMPTY, applied, snapshots,
        scheduler::execute, scheduler::execute, transport, scheduler, sim.scheduler(), Runnable::run, sim.fork());
    transport.start((from, message) -> {
      if (message instanceof RaftMessage raft) {
        driver.onMessage(from, raft);
      }
    });
    driver.start();
    running.put(id, new Node(driver, storage, snapshots, scheduler, transport, applied));
  }

  private void stop(MemberId id) {
    Node n = running.remove(id);
    n.driver().close();
    sim.scheduler().advance(Duration.ofMillis(10));
    n.scheduler().kill(); // also the snapshot writes, which run on it
    n.transport().close();
    n.storage().close();
    n.snapshots().close();
  }

  /** The commands applied, in order; its snapshots carry them, so a member restored from one has them. */
  private static final class Applied implements StateMachine {
    final List<String> commands = new ArrayList<>();

    @Override
    public byte[] apply(long index, byte[] command) {
      commands.add(new String(command, StandardCharsets.UTF_8));
      return new byte[0];
    }

    @Override
    public StateSnapshot snapshot() {
      List<String> copy = List.copyOf(commands);
      return out -> {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(copy.size());
        for (String c : copy) {
          data.writeUTF(c);
        }
        data.flush();
      };
    }

    @Override
    public void restore(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      List<String> read = new ArrayList<>();
      for (int i = data.readInt(); i > 0; i--) {
        read.add(data.readUTF());
      }
      commands.clear();
      commands.addAll(read);
    }
  }

  private RaftDriver awaitLeader() {
    for (int i = 0; i < 200; i++) {
      sim.scheduler().advance(Duration.ofMillis(50));
      for (Node n : running.values()) {
        if (n.driver().status().role() == RaftRole.LEADER) {
          return n.driver();
        }
      }
    }
    throw new AssertionError("no leader elected");
  }

  private <T> T await(CompletableFuture<T> future) {
    for (int i = 0; i < 200 && !future.isDone(); i++) {
      sim.scheduler().advance(Duration.ofMillis(50));
    }
    assertThat(future).as("request completed").isCompleted();
    return future.join();
  }

}
