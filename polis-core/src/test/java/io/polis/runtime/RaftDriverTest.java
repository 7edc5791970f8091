package io.polis.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.InMemoryRaftStorage;
import io.polis.raft.ProposalRejectedException;
import io.polis.raft.RaftRole;
import io.polis.sim.Simulation;
import io.polis.transport.TransportConfig;
import io.polis.transport.local.LocalTransport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The driver on its own, in virtual time. */
class RaftDriverTest {

  private final Simulation sim = new Simulation(1);

  private RaftDriver driver(MemberId id, Configuration initial) {
    LocalTransport transport = sim.network().transport(TransportConfig.builder(id).clusterName("driver").build());
    transport.start((from, message) -> { });
    RaftDriver driver = new RaftDriver(RaftDriverConfig.defaults(), id, new InMemoryRaftStorage(), initial,
        (index, command) -> command, new io.polis.raft.InMemorySnapshotStore(), sim.scheduler()::execute, sim.scheduler()::execute, transport, sim.scheduler(), sim.scheduler(), Runnable::run, sim.fork());
    driver.start();
    return driver;
  }

  @Test
  void aMemberOutsideItsOwnConfigurationFailsRequestsAtOnceSayingWhy() {
    MemberId id = MemberId.random(sim.random());
    RaftDriver driver = driver(id, Configuration.EMPTY);
    sim.scheduler().runFor(Duration.ofSeconds(1));

    CompletableFuture<?> proposal = driver.propose(new byte[] {1});
    CompletableFuture<?> read = driver.readLinearizable(() -> 1);
    sim.scheduler().runFor(Duration.ofMillis(10));

    assertThat(proposal).isCompletedExceptionally();
    assertThatThrownBy(proposal::join).cause().isInstanceOf(ProposalRejectedException.class)
        .hasMessageContaining("not (or not yet) a member");
    assertThatThrownBy(read::join).cause().isInstanceOf(ProposalRejectedException.class);
  }

  @Test
  void aSingleVoterElectsItselfAppliesAndAnswersReads() {
    MemberId id = MemberId.random(sim.random());
    RaftDriver driver = driver(id, new Configuration(Map.of(id, new Address("127.0.0.1", 9)), Map.of()));
    sim.scheduler().runFor(Duration.ofSeconds(1));
    assertThat(driver.status().role()).isEqualTo(RaftRole.LEADER);

    CompletableFuture<io.polis.raft.RaftGroup.Applied> applied = driver.propose(new byte[] {7});
    CompletableFuture<Long> read = applied.thenCompose(a -> driver.readLinearizable(() -> driver.status().appliedIndex()));
    sim.scheduler().runFor(Duration.ofMillis(50));

    assertThat(applied.join().result()).containsExactly(7);
    assertThat(read.join()).isGreaterThanOrEqualTo(applied.join().index());
  }

  @Test
  void aMemberNotEligibleToLeadDoesNotElectItself() {
    MemberId id = MemberId.random(sim.random());
    RaftDriver driver = driver(id, new Configuration(Map.of(id, new Address("127.0.0.1", 9)), Map.of()));
    driver.setEligibleToLead(false);
    sim.scheduler().runFor(Duration.ofSeconds(2));
    assertThat(driver.status().role()).isEqualTo(RaftRole.FOLLOWER);

    driver.setEligibleToLead(true);
    sim.scheduler().runFor(Duration.ofSeconds(1));
    assertThat(driver.status().role()).isEqualTo(RaftRole.LEADER);
  }
}
