package io.polis.transport.local;

import static io.polis.transport.local.TestNetwork.failureOf;
import static io.polis.transport.local.TestNetwork.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.Address;
import io.polis.transport.MessageTooLargeException;
import io.polis.transport.PeerInfo;
import io.polis.transport.TransportConfig;
import io.polis.transport.local.TestNetwork.Node;
import io.polis.transport.local.TestNetwork.Received;
import io.polis.wire.DataMessage;
import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalTransportDeliveryTest {

  private final TestNetwork net = new TestNetwork(42);

  @AfterEach
  void noTaskFailed() {
    assertThat(net.scheduler.failures()).isEmpty();
  }

  @Test
  void deliversMessagesInSendOrderOnACleanNetwork() {
    Node a = net.start("a");
    Node b = net.start("b");

    List<CompletableFuture<Void>> sends = IntStream.range(0, 100).mapToObj(i -> a.send(b, i)).toList();
    net.runUntilIdle();

    assertThat(sends).allSatisfy(send -> assertThat(send).isCompleted());
    assertThat(b.numbers()).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
    assertThat(b.inbox).extracting(Received::from).containsOnly(a.info());
    assertThat(net.network.stats()).isEqualTo(new NetworkStats(100, 100, 0, 0));
  }

  @Test
  void connectReturnsThePeersIdentity() {
    Node a = net.start("a");
    Node b = net.start("b");

    CompletableFuture<PeerInfo> connected = a.transport.connect(b.address());
    net.runUntilIdle();

    assertThat(connected).isCompletedWithValue(b.info());
  }

  @Test
  void neverDeliversInsideSend() {
    Node a = net.start("a");
    Node b = net.start("b");
    net.connectAll(a, b);

    CompletableFuture<Void> sent = a.send(b, 1);

    assertThat(sent).as("handed to the network").isCompleted();
    assertThat(b.inbox).as("not yet delivered").isEmpty();
    net.runUntilIdle();
    assertThat(b.numbers()).containsExactly(1);
  }

  @Test
  void messageArrivesAfterTheConfiguredDelay() {
    net.network.setFaults(NetworkFaults.builder().delay(Duration.ofMillis(10)).build());
    Node a = net.start("a");
    Node b = net.start("b");
    net.connectAll(a, b);
    Duration sentAt = net.scheduler.now();

    a.send(b, 1);
    net.runUntilIdle();

    assertThat(b.inbox).extracting(Received::at).containsExactly(sentAt.plusMillis(10));
  }

  @Test
  void handshakeTakesOneRoundTripOfTheMinimumDelays() {
    net.network.setFaults(NetworkFaults.builder().delay(Duration.ofMillis(10), Duration.ofMillis(30)).build());
    Node a = net.start("a");
    Node b = net.start("b");

    CompletableFuture<PeerInfo> connected = a.transport.connect(b.address());
    net.scheduler.advance(Duration.ofMillis(19));
    assertThat(connected).isNotDone();
    net.scheduler.advance(Duration.ofMillis(1));
    assertThat(connected).isCompletedWithValue(b.info());
  }

  @Test
  void receiverGetsItsOwnCopyOfThePayload() {
    Node a = net.start("a");
    Node b = net.start("b");
    byte[] payload = {1, 2, 3};

    a.transport.send(b.address(), new DataMessage("test", payload));
    payload[0] = 99;
    net.runUntilIdle();

    assertThat(((DataMessage) b.inbox.get(0).message()).payload()).containsExactly(1, 2, 3);
  }

  @Test
  void messageOverTheFrameLimitFailsWithMessageTooLargeException() {
    Node a = net.start(net.config("a").maxFrameBytes(1024));
    Node b = net.start("b");

    CompletableFuture<Void> sent = a.transport.send(b.address(), new DataMessage("test", new byte[2000]));
    net.runUntilIdle();

    assertThat(failureOf(sent)).isInstanceOf(MessageTooLargeException.class);
    assertThat(b.inbox).isEmpty();
    assertThat(net.network.stats().sent()).isZero();
  }

  @Test
  void messageOverTheReceiversFrameLimitIsDropped() {
    Node a = net.start("a");
    Node b = net.start(net.config("b").maxFrameBytes(1024));

    a.transport.send(b.address(), new DataMessage("test", new byte[2000]));
    net.runUntilIdle();

    assertThat(b.inbox).isEmpty();
    assertThat(net.network.stats().dropped()).isEqualTo(1);
  }

  @Test
  void failingHandlerDoesNotStopLaterDeliveries() {
    Node a = net.start("a");
    LocalTransport b = net.network.transport(net.config("b").build());
    List<Integer> handled = new ArrayList<>();
    b.start((from, message) -> {
      handled.add(TestNetwork.number(message));
      throw new IllegalStateException("handler bug");
    });

    a.transport.send(b.localAddress(), message(1));
    a.transport.send(b.localAddress(), message(2));
    net.runUntilIdle();

    assertThat(handled).containsExactly(1, 2);
    assertThat(net.network.stats().delivered()).isEqualTo(2);
  }

  @Test
  void nodeCanSendToItself() {
    Node a = net.start("a");

    a.send(a, 7);
    net.runUntilIdle();

    assertThat(a.numbers()).containsExactly(7);
  }

  @Test
  void sendBeforeStartFailsWithIllegalStateException() {
    Node b = net.start("b");
    LocalTransport a = net.network.transport(net.config("a").build());

    assertThat(failureOf(a.send(b.address(), message(1)))).isInstanceOf(IllegalStateException.class);
    assertThat(failureOf(a.connect(b.address()))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void ephemeralPortsAreUniqueAndWildcardHostsBecomeLoopback() {
    LocalTransport first = net.network.transport(TransportConfig.builder(net.nextMemberId()).port(0).build());
    LocalTransport second = net.network.transport(TransportConfig.builder(net.nextMemberId()).port(0).build());

    int port = LocalNetwork.FIRST_EPHEMERAL_PORT;
    assertThat(first.localAddress()).isEqualTo(new Address(LocalNetwork.LOOPBACK_HOST, port));
    assertThat(second.localAddress()).isEqualTo(new Address(LocalNetwork.LOOPBACK_HOST, port + 1));
  }

  @Test
  void startingAtAnAddressInUseFailsWithBindException() {
    net.start("a");
    LocalTransport second = net.network.transport(net.config("a").build());

    assertThat(failureOf(second.start((from, message) -> { }))).isInstanceOf(BindException.class);
  }
}
