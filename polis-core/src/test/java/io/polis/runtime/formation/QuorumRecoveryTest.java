package io.polis.runtime.formation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.FileRaftStorage;
import io.polis.raft.FileStorageConfig;
import io.polis.raft.RaftGroup;
import io.polis.raft.RaftRole;
import io.polis.runtime.RaftDriver;
import io.polis.runtime.RaftDriverConfig;
import io.polis.sim.PausableScheduler;
import io.polis.sim.Simulation;
import io.polis.transport.TransportConfig;
import io.polis.transport.local.LocalTransport;
import io.polis.wire.RaftMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group of five on the file store loses three members for good; the two survivors are stopped, the
 * recovery tool forces a configuration naming them into their logs, and restarted they elect a leader and
 * accept writes, with every write acknowledged before the loss still there.
 */
class QuorumRecoveryTest {

  @TempDir
  Path dir;

  private final Simulation sim = new Simulation(42);
  private final List<MemberId> ids = new ArrayList<>();
  private final Map<MemberId, Address> addresses = new LinkedHashMap<>();
  private final Map<MemberId, Node> running = new LinkedHashMap<>();

  /** One member on its own directory; its driver and files are closed by {@link #stop}. */
  private record Node(RaftDriver driver, FileRaftStorage storage, PausableScheduler scheduler,
      LocalTransport transport, List<String> applied) {}

  @Test
  void fiveMembersThatLostThreeForeverAreRevivedOnTheTwoSurvivors() {
    for (int i = 0; i < 5; i++) {
      MemberId id = MemberId.random(sim.random());
      ids.add(id);
      addresses.put(id, new Address("10.0.2." + (i + 1), 7800));
    }
    for (MemberId id : ids) {
      // The same first entry on each, as ClusterFormation writes it.
      try (FileRaftStorage s = FileRaftStorage.open(raftDir(id), FileStorageConfig.defaults(), sim.scheduler())) {
        InitialLog.bootstrap(s, new Configuration(addresses, Map.of()));
      }
    }
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
    long term = QuorumRecovery.recoveryTerm(inspections);
    Map<MemberId, Address> kept = new LinkedHashMap<>();
    survivors.forEach(id -> kept.put(id, addresses.get(id)));
    Configuration forced = new Configuration(kept, Map.of());
    assertThatThrownBy(() -> QuorumRecovery.force(raftDir(survivors.get(0)), forced, inspections.get(0).term()))
        .as("a term not above the member's").isInstanceOf(IllegalArgumentException.class);
    for (MemberId id : survivors) {
      QuorumRecovery.force(raftDir(id), forced, term);
      assertThat(QuorumRecovery.inspect(raftDir(id)).configuration()).isEqualTo(forced);
    }

    survivors.forEach(this::start);
    RaftDriver revived = awaitLeader();
    assertThat(revived.status().configuration().voters()).containsOnlyKeys(survivors);
    await(revived.propose(bytes("after")));
    sim.scheduler().advance(Duration.ofSeconds(1));
    for (MemberId id : survivors) {
      List<String> applied = running.get(id).applied();
      assertThat(applied).as("what %s applied", id.shortForm()).contains("before-0", "before-19", "after");
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Path raftDir(MemberId id) {
    return dir.resolve(id.toString()).resolve("raft");
  }

  private void start(MemberId id) {
    FileRaftStorage storage = FileRaftStorage.open(raftDir(id), FileStorageConfig.defaults(), sim.scheduler());
    PausableScheduler scheduler = new PausableScheduler(sim.scheduler());
    LocalTransport transport = sim.network().transport(TransportConfig.builder(id).clusterName("sim")
        .advertisedAddress(addresses.get(id)).build());
    List<String> applied = new ArrayList<>();
    RaftDriver driver = new RaftDriver(RaftDriverConfig.defaults(), id, storage, Configuration.EMPTY,
        (index, command) -> {
          applied.add(new String(command, StandardCharsets.UTF_8));
          return new byte[0];
        }, new io.polis.raft.InMemorySnapshotStore(), scheduler::execute, scheduler::execute, transport, scheduler, sim.scheduler(),
        Runnable::run, sim.fork());
    transport.start((from, message) -> {
      if (message instanceof RaftMessage raft) {
        driver.onMessage(from, raft);
      }
    });
    driver.start();
    running.put(id, new Node(driver, storage, scheduler, transport, applied));
  }

  private void stop(MemberId id) {
    Node n = running.remove(id);
    n.driver().close();
    sim.scheduler().advance(Duration.ofMillis(10));
    n.scheduler().kill();
    n.transport().close();
    n.storage().close();
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
