package io.polis.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.polis.raft.ConsensusException;
import io.polis.raft.NoQuorumException;
import io.polis.raft.NotLeaderException;
import io.polis.raft.RaftGroup.Applied;
import io.polis.raft.StateMachine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Three real members on 127.0.0.1 over the TCP transport. */
class RaftOverTcpTest {

  /** Appends each command to a list and answers with the list's size. */
  static final class Journal implements StateMachine {
    final List<String> commands = new CopyOnWriteArrayList<>();

    @Override
    public byte[] apply(long index, byte[] command) {
      commands.add(new String(command, StandardCharsets.UTF_8));
      return Integer.toString(commands.size()).getBytes(StandardCharsets.UTF_8);
    }
  }

  private RaftTcpCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Journal journal(RaftTcpCluster.Member m) {
    return (Journal) m.stateMachine();
  }

  /** Both places a driver can run: on its transport's event loop, and on a thread of its own. */
  @ParameterizedTest
  @EnumSource(RaftTcpCluster.DriverThread.class)
  void electsReplicatesForwardsAndFailsOver(RaftTcpCluster.DriverThread driverThread) throws Exception {
    cluster = new RaftTcpCluster(3, RaftDriverConfig.defaults(), Journal::new, driverThread);
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.agreedLeader() != null);
    RaftTcpCluster.Member leader = cluster.agreedLeader();
    RaftTcpCluster.Member follower = cluster.members().stream().filter(m -> m != leader).findFirst().orElseThrow();

    Applied viaLeader = leader.driver().propose(bytes("one")).get(5, TimeUnit.SECONDS);
    Applied viaFollower = follower.driver().propose(bytes("two")).get(5, TimeUnit.SECONDS); // forwarded
    assertThat(viaFollower.index()).isGreaterThan(viaLeader.index());
    assertThat(new String(viaFollower.result(), StandardCharsets.UTF_8)).isEqualTo("2");

    // A linearizable read on a follower sees every write acknowledged before it.
    List<String> seen = follower.driver().readLinearizable(() -> List.copyOf(journal(follower).commands))
        .get(5, TimeUnit.SECONDS);
    assertThat(seen).containsExactly("one", "two");

    leader.kill();
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.agreedLeader() != null);
    RaftTcpCluster.Member next = cluster.agreedLeader();
    assertThat(next).isNotSameAs(leader);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(follower.driver().propose(bytes("three")).get(5, TimeUnit.SECONDS).index())
            .isGreaterThan(viaFollower.index()));
    for (RaftTcpCluster.Member m : cluster.members()) {
      if (!m.stopped()) {
        await().atMost(Duration.ofSeconds(5)).until(() -> journal(m).commands.equals(List.of("one", "two", "three")));
      }
    }
  }

  @Test
  void aMemberCutOffFromItsMajorityFailsRequestsWithTypedErrors() {
    cluster = new RaftTcpCluster(3, RaftDriverConfig.defaults(), Journal::new);
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.agreedLeader() != null);
    RaftTcpCluster.Member leader = cluster.agreedLeader();
    for (RaftTcpCluster.Member m : cluster.members()) {
      if (m != leader) {
        m.kill();
      }
    }
    // CheckQuorum: the leader notices it lost its majority and stops leading; requests fail fast.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThatThrownBy(() -> leader.driver().propose(bytes("x")).join())
            .isInstanceOf(CompletionException.class)
            .cause().isInstanceOfAny(NotLeaderException.class, NoQuorumException.class));
    assertThatThrownBy(() -> leader.driver().readLinearizable(() -> 1).join())
        .cause().isInstanceOf(ConsensusException.class).hasMessageContaining(leader.id().shortForm());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
