package io.polis.transport.local;

import static io.polis.transport.local.TestNetwork.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.transport.PeerInfo;
import io.polis.transport.PeerUnavailableException;
import io.polis.transport.TransportClosedException;
import io.polis.transport.local.TestNetwork.Node;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalTransportLifecycleTest {

  private final TestNetwork net = new TestNetwork(11);

  @AfterEach
  void noTaskFailed() {
    assertThat(net.scheduler.failures()).isEmpty();
  }

  @Test
  void afterShutdownSendsAndConnectsFailWithTransportClosed() {
    Node a = net.start("a");
    Node b = net.start("b");
    net.connectAll(a, b);

    assertThat(a.transport.shutdown()).isCompleted();
    assertThat(a.transport.shutdown()).as("idempotent").isCompleted();

    assertThat(failureOf(a.send(b, 1))).isInstanceOf(TransportClosedException.class);
    assertThat(failureOf(a.transport.connect(b.address()))).isInstanceOf(TransportClosedException.class);
  }

  @Test
  void shutdownFailsHandshakesUnderWayWithTransportClosed() {
    Node a = net.start("a");
    Node b = net.start("b");

    CompletableFuture<PeerInfo> connecting = a.transport.connect(b.address());
    CompletableFuture<Void> waiting = a.send(b, 1);
    a.transport.close();
    net.runUntilIdle();

    assertThat(failureOf(connecting)).isInstanceOf(TransportClosedException.class);
    assertThat(failureOf(waiting)).isInstanceOf(TransportClosedException.class);
    assertThat(b.inbox).isEmpty();
  }

  @Test
  void stoppedNodeIsUnreachable() {
    Node a = net.start("a");
    Node b = net.start("b");
    net.connectAll(a, b);

    b.transport.shutdown();
    CompletableFuture<Void> sent = a.send(b, 1);
    net.runUntilIdle();

    assertThat(failureOf(sent)).isInstanceOf(PeerUnavailableException.class);
  }

  @Test
  void messagesInFlightToAStoppedNodeAreDropped() {
    net.network.setFaults(NetworkFaults.builder().delay(Duration.ofMillis(10)).build());
    Node a = net.start("a");
    Node b = net.start("b");
    net.connectAll(a, b);

    a.send(b, 1);
    b.transport.shutdown();
    net.runUntilIdle();

    assertThat(b.inbox).isEmpty();
    assertThat(net.network.stats().dropped()).isEqualTo(1);
  }

  @Test
  void messagesSentBeforeTheSenderStopsAreStillDelivered() {
    net.network.setFaults(NetworkFaults.builder().delay(Duration.ofMillis(10)).build());
    Node a = net.start("a");
    Node b = net.start("b");
    net.connectAll(a, b);

    a.send(b, 1);
    a.transport.shutdown();
    net.runUntilIdle();

    assertThat(b.numbers()).containsExactly(1);
  }

  @Test
  void nodeRestartedAtTheSameAddressWithANewIdIsReachedAfterReconnecting() {
    net.network.setFaults(NetworkFaults.builder().delay(Duration.ofMillis(10)).build());
    Node a = net.start("a");
    Node b = net.start("b");
    net.connectAll(a, b);
    a.send(b, 1);

    b.transport.shutdown(); // crash, with message 1 in flight
    Node restarted = net.start("b");
    CompletableFuture<PeerInfo> connected = a.transport.connect(b.address());
    a.send(restarted, 2);
    restarted.send(a, 3);
    net.runUntilIdle();

    assertThat(restarted.transport.localId()).isNotEqualTo(b.transport.localId());
    assertThat(connected).isCompletedWithValue(restarted.info());
    assertThat(restarted.numbers()).as("the old instance's messages never reach the new one").containsExactly(2);
    assertThat(a.numbers()).containsExactly(3);
  }

  @Test
  void nodeRestartedWithTheSameIdIsReachedToo() {
    Node a = net.start("a");
    Node b = net.start("b");
    net.connectAll(a, b);

    b.transport.shutdown();
    Node restarted = net.start(net.config("b", b.transport.localId()));
    a.send(restarted, 1);
    net.runUntilIdle();

    assertThat(restarted.numbers()).containsExactly(1);
  }

  @Test
  void stoppedTransportCannotStartAgain() {
    Node a = net.start("a");
    a.transport.shutdown();

    assertThat(failureOf(a.transport.start((from, message) -> { }))).isInstanceOf(IllegalStateException.class);
  }
}
