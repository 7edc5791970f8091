package io.polis.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.polis.PolisNode;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.TransportConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Membership over real TCP on 127.0.0.1, several nodes in one JVM. */
class MembershipOverTcpTest {

  private static final Duration BOUND = Duration.ofSeconds(15);
  private final List<PolisNode> nodes = new ArrayList<>();

  @AfterEach
  void stopAll() {
    nodes.forEach(PolisNode::close);
  }

  private PolisNode startNode(int port, List<Address> seeds) {
    TransportConfig transport = TransportConfig.builder(MemberId.random()).clusterName("tcp-test")
        .bindHost("127.0.0.1").port(port).shutdownTimeout(Duration.ofSeconds(1)).ioThreads(1).build();
    MembershipConfig membership = MembershipConfig.builder().seeds(SeedProvider.of(seeds)).build();
    PolisNode node = PolisNode.start(transport, membership);
    nodes.add(node);
    return node;
  }

  private List<PolisNode> startCluster(int n) {
    PolisNode first = startNode(0, List.of());
    for (int i = 1; i < n; i++) {
      startNode(0, List.of(first.address()));
    }
    awaitEveryoneSees(live(), nodes.stream().map(PolisNode::id).collect(Collectors.toSet()));
    return new ArrayList<>(nodes);
  }

  private List<PolisNode> live() {
    return nodes;
  }

  private static void awaitEveryoneSees(List<PolisNode> observers, Set<MemberId> expected) {
    await().atMost(BOUND).untilAsserted(() -> {
      for (PolisNode observer : observers) {
        assertThat(observer.membership().members().stream().map(Member::id).collect(Collectors.toSet()))
            .as("live members seen by %s", observer.id().shortForm()).isEqualTo(expected);
      }
    });
  }

  @Test
  void fiveNodesJoinThroughOneSeed() {
    List<PolisNode> cluster = startCluster(5);
    assertThat(cluster).hasSize(5);
    for (PolisNode n : cluster) {
      assertThat(n.membership().local().state()).isEqualTo(MemberState.ALIVE);
    }
  }

  @Test
  void anAbruptlyStoppedNodeIsDeclaredDownByAll() {
    List<PolisNode> cluster = startCluster(4);
    List<MembershipEvent> seen = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    cluster.get(0).membership().addListener(event -> {
      seen.add(event);
      threads.add(Thread.currentThread().getName());
    });
    PolisNode victim = cluster.get(3);
    victim.close();
    nodes.remove(victim);
    awaitEveryoneSees(nodes, nodes.stream().map(PolisNode::id).collect(Collectors.toSet()));
    for (PolisNode n : nodes) {
      assertThat(n.membership().member(victim.id())).get().extracting(Member::state).isEqualTo(MemberState.DEAD);
    }
    await().atMost(BOUND).until(() -> seen.stream()
        .anyMatch(e -> e instanceof MembershipEvent.Down && e.member().id().equals(victim.id())));
    // Listeners run on the node's one event thread, never on the protocol or I/O threads.
    assertThat(threads).containsOnly("polis-events-" + cluster.get(0).id().shortForm());
    List<String> aboutVictim = seen.stream().filter(e -> e.member().id().equals(victim.id()))
        .map(e -> e.getClass().getSimpleName()).toList();
    assertThat(aboutVictim).endsWith("Suspected", "Down"); // an earlier refuted suspicion may come first under load
  }

  @Test
  void aLeavingNodeIsSeenToLeaveNotToFail() {
    List<PolisNode> cluster = startCluster(3);
    List<MembershipEvent> seen = new CopyOnWriteArrayList<>();
    cluster.get(0).membership().addListener(seen::add);
    PolisNode leaver = cluster.get(2);
    leaver.leave().join();
    nodes.remove(leaver);
    awaitEveryoneSees(nodes, nodes.stream().map(PolisNode::id).collect(Collectors.toSet()));
    for (PolisNode n : nodes) {
      assertThat(n.membership().member(leaver.id())).get().extracting(Member::state).isEqualTo(MemberState.LEFT);
    }
    await().atMost(BOUND).until(() -> seen.stream()
        .anyMatch(e -> e instanceof MembershipEvent.Left && e.member().id().equals(leaver.id())));
    assertThat(seen).noneMatch(e -> e instanceof MembershipEvent.Down);
  }

  @Test
  void aNodeRestartedOnTheSameAddressWithANewIdReplacesTheOldEntry() {
    List<PolisNode> cluster = startCluster(3);
    PolisNode old = cluster.get(2);
    int port = old.address().port();
    old.close();
    nodes.remove(old);
    PolisNode reborn = startNode(port, List.of(cluster.get(0).address()));
    assertThat(reborn.id()).isNotEqualTo(old.id());
    awaitEveryoneSees(nodes, nodes.stream().map(PolisNode::id).collect(Collectors.toSet()));
    await().atMost(BOUND).untilAsserted(() -> {
      for (PolisNode n : nodes) {
        if (n != reborn) {
          assertThat(n.membership().member(old.id())).get().extracting(Member::state)
              .isIn(MemberState.DEAD, MemberState.LEFT);
        }
      }
    });
  }
}
