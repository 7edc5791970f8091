package io.polis.benchmarks.consensus;

import io.polis.KeyValueStore;
import io.polis.kv.KvStateMachine;
import io.polis.kv.ReplicatedKeyValueStore;
import io.polis.raft.FileRaftStorage;
import io.polis.raft.FileStorageConfig;
import io.polis.raft.InMemoryRaftStorage;
import io.polis.raft.RaftConfig;
import io.polis.raft.RaftStorage;
import io.polis.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import io.polis.raft.RaftRole;
import io.polis.raft.RaftStatus;
import io.polis.runtime.RaftDriverConfig;
import io.polis.runtime.RaftTcpCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Three Polis Raft members in this JVM, each with its own TCP transport on 127.0.0.1, driver thread and
 * in-memory log, running the replicated key-value store. A kill closes the member's sockets and stops its
 * thread without a goodbye, as {@code kill -9} would; peers see the connection drop at once either way.
 *
 * <p>The log is in memory by default; {@code -Dpolis.storage=file} puts it in the file store
 * ({@code -Dpolis.sync=always|interval|never}, data under {@code -Dpolis.dataRoot} or the temp directory,
 * {@code -Dpolis.preallocateBytes} to change how far ahead segment files are filled with zeros).
 *
 * <p>Clients are in-process: a put is a call on the leader's {@link KeyValueStore}, acknowledged once the
 * entry is committed and applied there. Timing is Polis's defaults unless {@code -Dconsensus.heartbeatMs}
 * or {@code -Dconsensus.electionMs} is given (then mapped onto 10 ms ticks).
 */
final class PolisCluster implements ConsensusCluster {

  private final RaftDriverConfig config;
  private final FileStorageConfig.@Nullable SyncPolicy sync;
  private @Nullable Path dataRoot;
  private RaftTcpCluster cluster;

  /**
   * @param config the driver settings
   * @param sync null for the in-memory log, else the file store's sync policy
   */
  PolisCluster(RaftDriverConfig config, FileStorageConfig.@Nullable SyncPolicy sync) {
    this.config = config;
    this.sync = sync;
  }

  static PolisCluster create() {
    RaftDriverConfig config = RaftDriverConfig.defaults();
    Long heartbeat = Long.getLong("consensus.heartbeatMs");
    Long election = Long.getLong("consensus.electionMs");
    if (heartbeat != null || election != null) {
      long tick = config.tickInterval().toMillis();
      RaftConfig raft = RaftConfig.builder()
          .heartbeatTicks((int) Math.max(1, (heartbeat == null ? 50 : heartbeat) / tick))
          .electionTicks((int) Math.max(2, (election == null ? 150 : election) / tick))
          .build();
      config = config.withRaft(raft);
    }
    String storage = System.getProperty("polis.storage", "memory");
    FileStorageConfig.SyncPolicy sync = switch (storage) {
      case "memory" -> null;
      case "file" -> FileStorageConfig.SyncPolicy.valueOf(
          System.getProperty("polis.sync", "always").toUpperCase(java.util.Locale.ROOT));
      default -> throw new IllegalArgumentException("-Dpolis.storage must be memory or file, was " + storage);
    };
    return new PolisCluster(config, sync);
  }

  private RaftStorage openStorage(int member) {
    if (sync == null) {
      return new InMemoryRaftStorage();
    }
    return FileRaftStorage.open(dataRoot.resolve("member-" + member), FileStorageConfig.builder().syncPolicy(sync)
        .preallocateBytes(Long.getLong("polis.preallocateBytes", FileStorageConfig.DEFAULT_PREALLOCATE_BYTES)).build(),
        Clock.system());
  }

  @Override
  public String description() {
    RaftConfig raft = config.raft();
    long tick = config.tickInterval().toMillis();
    String log = sync == null ? "in-memory log" : "file log (fsync " + sync.name().toLowerCase(java.util.Locale.ROOT)
        + ", data under " + System.getProperty("polis.dataRoot", System.getProperty("java.io.tmpdir")) + ")";
    return "Polis Raft, 3 members in one JVM on 127.0.0.1, " + log + ", heartbeat "
        + raft.heartbeatTicks() * tick + " ms, election timeout " + raft.electionTicks() * tick + "-"
        + 2 * raft.electionTicks() * tick + " ms";
  }

  @Override
  public int size() {
    return 3;
  }

  @Override
  public void start(Duration timeout) throws Exception {
    if (sync != null) {
      Path parent = Path.of(System.getProperty("polis.dataRoot", System.getProperty("java.io.tmpdir")));
      dataRoot = Files.createTempDirectory(parent, "polis-raft-bench-");
    }
    cluster = new RaftTcpCluster(3, config, KvStateMachine::new, this::openStorage);
    awaitLeaderKnownByAllSurvivors(timeout);
  }

  @Override
  public boolean isRunning(int member) {
    return !members().get(member).stopped();
  }

  @Override
  public OptionalInt leaderSeenBy(int member) {
    RaftStatus status = members().get(member).driver().status();
    if (status.leader() == null) {
      return OptionalInt.empty();
    }
    for (int i = 0; i < members().size(); i++) {
      if (members().get(i).id().equals(status.leader())) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  @Override
  public void kill(int member) {
    members().get(member).kill();
  }

  @Override
  public void restart(int member, Duration timeout) throws Exception {
    cluster.restart(members().get(member));
    awaitLeaderKnownByAllSurvivors(timeout);
  }

  @Override
  public Client newClient() {
    return new Client() {
      @Override
      public void put(byte[] key, byte[] value) throws Exception {
        RaftTcpCluster.Member leader = cluster.leader();
        if (leader == null || leader.driver().status().role() != RaftRole.LEADER) {
          throw new IllegalStateException("no leader");
        }
        KeyValueStore store = new ReplicatedKeyValueStore(leader.driver(), (KvStateMachine) leader.stateMachine());
        store.put(new String(key, StandardCharsets.UTF_8), value).get(10, TimeUnit.SECONDS);
      }

      @Override
      public void close() {
        // nothing held
      }
    };
  }

  @Override
  public void close() {
    if (cluster != null) {
      cluster.close();
    }
    if (dataRoot != null) {
      try (var paths = Files.walk(dataRoot)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (java.io.IOException e) {
        System.err.println("could not delete " + dataRoot + ": " + e);
      }
    }
  }

  private List<RaftTcpCluster.Member> members() {
    return cluster.members();
  }

  @Override
  public int awaitLeaderKnownByAllSurvivors(Duration timeout) throws TimeoutException, InterruptedException {
    // Polls more finely than the default: Polis fails over in a few hundred milliseconds.
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      OptionalInt leader = leaderIndex();
      if (leader.isPresent() && isRunning(leader.getAsInt())) {
        return leader.getAsInt();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("running members did not agree on a leader within " + timeout);
      }
      Thread.sleep(1);
    }
  }
}
