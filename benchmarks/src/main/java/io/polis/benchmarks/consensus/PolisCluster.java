package io.polis.benchmarks.consensus;

import io.polis.KeyValueStore;
import io.polis.kv.KvStateMachine;
import io.polis.kv.ReplicatedKeyValueStore;
import io.polis.raft.RaftConfig;
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
 * <p>Clients are in-process: a put is a call on the leader's {@link KeyValueStore}, acknowledged once the
 * entry is committed and applied there. Timing is Polis's defaults unless {@code -Dconsensus.heartbeatMs}
 * or {@code -Dconsensus.electionMs} is given (then mapped onto 10 ms ticks).
 */
final class PolisCluster implements ConsensusCluster {

  private final RaftDriverConfig config;
  private RaftTcpCluster cluster;

  PolisCluster(RaftDriverConfig config) {
    this.config = config;
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
    return new PolisCluster(config);
  }

  @Override
  public String description() {
    RaftConfig raft = config.raft();
    long tick = config.tickInterval().toMillis();
    return "Polis Raft, 3 members in one JVM on 127.0.0.1, in-memory log, heartbeat "
        + raft.heartbeatTicks() * tick + " ms, election timeout " + raft.electionTicks() * tick + "-"
        + 2 * raft.electionTicks() * tick + " ms";
  }

  @Override
  public int size() {
    return 3;
  }

  @Override
  public void start(Duration timeout) throws Exception {
    cluster = new RaftTcpCluster(3, config, KvStateMachine::new);
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
