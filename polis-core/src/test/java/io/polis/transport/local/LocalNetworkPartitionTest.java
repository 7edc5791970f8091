package io.polis.transport.local;

import static io.polis.transport.local.TestNetwork.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.polis.transport.PeerInfo;
import io.polis.transport.PeerUnavailableException;
import io.polis.transport.local.TestNetwork.Node;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalNetworkPartitionTest {

  private final TestNetwork net = new TestNetwork(3);
  private Node a;
  private Node b;
  private Node c;

  @BeforeEach
  void startThreeNodes() {
    a = net.start("a");
    b = net.start("b");
    c = net.start("c");
  }

  @AfterEach
  void noTaskFailed() {
    assertThat(net.scheduler.failures()).isEmpty();
  }

  @Test
  void blockDropsOneDirectionOnly() {
    net.connectAll(a, b);
    net.network.block(a.address(), b.address());

    CompletableFuture<Void> intoTheVoid = a.send(b, 1);
    b.send(a, 2);
    net.runUntilIdle();

    assertThat(intoTheVoid).as("accepted like a TCP write").isCompleted();
    assertThat(b.inbox).isEmpty();
    assertThat(a.numbers()).containsExactly(2);
    assertThat(net.network.stats().dropped()).isEqualTo(1);
  }

  @Test
  void connectingOverABlockedLinkTimesOutWithPeerUnavailable() {
    net.network.block(a.address(), b.address());

    CompletableFuture<PeerInfo> connected = a.transport.connect(b.address());
    net.runUntilIdle();

    assertThat(failureOf(connected)).isInstanceOf(PeerUnavailableException.class).hasMessageContaining("timed out");
    assertThat(net.scheduler.now()).isEqualTo(a.transport.config().connectTimeout());
  }

  @Test
  void oneWayBlockStillLetsTheOtherDirectionConnect() {
    net.network.block(a.address(), b.address());

    CompletableFuture<PeerInfo> connected = b.transport.connect(a.address());
    net.runUntilIdle();

    assertThat(connected).isCompletedWithValue(a.info());
  }

  @Test
  void partitionCutsBetweenSidesAndHealRestores() {
    net.connectAll(a, b, c);
    net.network.partition(Set.of(a.address(), b.address()), Set.of(c.address()));

    sendEverywhere(1);
    net.runUntilIdle();

    assertThat(a.numbers()).containsExactly(1);
    assertThat(b.numbers()).containsExactly(1);
    assertThat(c.inbox).isEmpty();

    net.network.heal();
    sendEverywhere(2);
    net.runUntilIdle();

    assertThat(a.numbers()).containsExactly(1, 2, 2);
    assertThat(b.numbers()).containsExactly(1, 2, 2);
    assertThat(c.numbers()).containsExactly(2, 2);
  }

  @Test
  void partitionSwallowsMessagesAlreadyInFlight() {
    net.network.setFaults(NetworkFaults.builder().delay(Duration.ofMillis(10)).build());
    net.connectAll(a, b);

    a.send(b, 1);
    net.scheduler.advance(Duration.ofMillis(5));
    net.network.partition(Set.of(a.address()), Set.of(b.address()));
    net.runUntilIdle();

    assertThat(b.inbox).isEmpty();
  }

  @Test
  void isolatedNodeReachesOnlyItselfIncludingNodesStartedLater() {
    net.connectAll(a, b);
    net.network.isolate(a.address());
    Node late = net.start("late");

    a.send(b, 1);
    b.send(a, 2);
    a.send(a, 3);
    CompletableFuture<PeerInfo> lateConnect = late.transport.connect(a.address());
    net.runUntilIdle();

    assertThat(a.numbers()).containsExactly(3);
    assertThat(b.inbox).isEmpty();
    assertThat(failureOf(lateConnect)).isInstanceOf(PeerUnavailableException.class);
  }

  @Test
  void unblockRestoresOneDirection() {
    net.connectAll(a, b);
    net.network.block(a.address(), b.address());
    net.network.block(b.address(), a.address());

    net.network.unblock(a.address(), b.address());
    a.send(b, 1);
    b.send(a, 2);
    net.runUntilIdle();

    assertThat(b.numbers()).containsExactly(1);
    assertThat(a.inbox).isEmpty();
  }

  @Test
  void partitionRejectsAnAddressOnTwoSidesAndBlocksNothing() {
    assertThatIllegalArgumentException().isThrownBy(() ->
        net.network.partition(Set.of(a.address(), b.address()), Set.of(b.address(), c.address())));

    assertThat(net.network.isBlocked(a.address(), c.address())).isFalse();
  }

  private void sendEverywhere(int number) {
    for (Node from : new Node[] {a, b, c}) {
      for (Node to : new Node[] {a, b, c}) {
        if (from != to) {
          from.send(to, number);
        }
      }
    }
  }
}
