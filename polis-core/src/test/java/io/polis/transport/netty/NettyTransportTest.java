package io.polis.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.polis.transport.MessageTooLargeException;
import io.polis.transport.PeerInfo;
import io.polis.transport.PeerUnavailableException;
import io.polis.transport.TransportClosedException;
import io.polis.wire.DataMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class NettyTransportTest {

  private static DataMessage data(String text) {
    return new DataMessage("test", text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void handshakeIdentifiesBothPeersAndMessagesFlowBothWays() throws Exception {
    try (TestNode a = TestNode.start(); TestNode b = TestNode.start()) {
      PeerInfo peer = a.transport.connect(b.address()).join();
      assertThat(peer.memberId()).isEqualTo(b.id());
      assertThat(peer.advertisedAddress()).isEqualTo(b.address());

      a.transport.send(b.address(), data("ping")).join();
      TestNode.Received atB = b.take();
      assertThat(atB.from().memberId()).isEqualTo(a.id());
      assertThat(atB.message()).isEqualTo(data("ping"));

      b.transport.send(atB.from().advertisedAddress(), data("pong")).join();
      assertThat(a.take().message()).isEqualTo(data("pong"));
    }
  }

  @Test
  void messagesToOnePeerArriveInOrder() throws Exception {
    try (TestNode a = TestNode.start(); TestNode b = TestNode.start()) {
      a.transport.connect(b.address()).join(); // beyond the queue that covers the handshake
      List<CompletableFuture<Void>> sends = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        sends.add(a.transport.send(b.address(), data(Integer.toString(i))));
      }
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
      for (int i = 0; i < 2_000; i++) {
        assertThat(b.take().message()).isEqualTo(data(Integer.toString(i)));
      }
    }
  }

  @Test
  void sendToAnAddressWhereNobodyListensFailsWithPeerUnavailableAndThenBacksOff() {
    try (TestNode a = TestNode.start(); TestNode b = TestNode.start()) {
      var gone = b.address();
      b.close();
      assertThatThrownBy(() -> a.transport.send(gone, data("x")).join())
          .isInstanceOf(CompletionException.class).cause().isInstanceOf(PeerUnavailableException.class)
          .hasMessageContaining("cannot connect to " + gone);
      // Within the backoff window the next send fails at once, saying when the next attempt is.
      assertThatThrownBy(() -> a.transport.send(gone, data("y")).join())
          .cause().isInstanceOf(PeerUnavailableException.class).hasMessageContaining("next attempt in");
    }
  }

  @Test
  void reconnectsWhenThePeerComesBackOnTheSameAddress() throws Exception {
    try (TestNode a = TestNode.start(b -> b.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50)))) {
      TestNode b = TestNode.start();
      var address = b.address();
      a.transport.send(address, data("one")).join();
      b.take();
      b.close();
      try (TestNode b2 = TestNode.start(c -> c.port(address.port()))) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
            .until(() -> { a.transport.send(address, data("two")).join(); return true; });
        TestNode.Received r = b2.take();
        assertThat(r.message()).isEqualTo(data("two"));
        assertThat(a.transport.connect(address).join().memberId()).isEqualTo(b2.id());
      }
    }
  }

  @Test
  void gracefulShutdownFlushesWhatWasSentAndThePeerLogsADeparture() throws Exception {
    try (TestNode b = TestNode.start(); var logs = new io.polis.testing.LogCapture()) {
      TestNode a = TestNode.start();
      List<CompletableFuture<Void>> sends = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        sends.add(a.transport.send(b.address(), data(Integer.toString(i))));
      }
      a.transport.shutdown().join();
      for (int i = 0; i < 500; i++) {
        assertThat(b.take().message()).isEqualTo(data(Integer.toString(i)));
      }
      assertThat(sends).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
      logs.awaitLine(b.id().shortForm(), "peer is shutting down");
      assertThatThrownBy(() -> a.transport.send(b.address(), data("late")).join())
          .cause().isInstanceOf(TransportClosedException.class);
    }
  }

  @Test
  void aMessageLargerThanTheMaximumFrameFailsItsSendAndTheConnectionStaysUp() throws Exception {
    try (TestNode a = TestNode.start(c -> c.maxFrameBytes(4096)); TestNode b = TestNode.start()) {
      assertThatThrownBy(() -> a.transport.send(b.address(), new DataMessage("big", new byte[5000])).join())
          .cause().isInstanceOf(MessageTooLargeException.class).hasMessageContaining("exceeds the maximum");
      a.transport.send(b.address(), data("small")).join();
      assertThat(b.take().message()).isEqualTo(data("small"));
    }
  }

  @Test
  void aNodeThatCannotBindFailsToStartAndItsShutdownStillCompletes() throws Exception {
    try (TestNode a = TestNode.start()) {
      NettyTransport second = new NettyTransport(io.polis.transport.TransportConfig
          .builder(io.polis.node.MemberId.random()).bindHost("127.0.0.1").port(a.address().port()).build());

      assertThat(TestNode.failureOf(second.start((from, message) -> { })))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot listen on");
      assertThat(second.shutdown()).succeedsWithin(Duration.ofSeconds(5));
    }
  }

  @Test
  void heartbeatsKeepAnIdleConnectionOpen() throws Exception {
    var fast = (java.util.function.Consumer<io.polis.transport.TransportConfig.Builder>)
        c -> c.heartbeatInterval(Duration.ofMillis(50)).idleTimeout(Duration.ofMillis(200));
    try (TestNode a = TestNode.start(fast); TestNode b = TestNode.start(fast);
        var logs = new io.polis.testing.LogCapture()) {
      a.transport.send(b.address(), data("first")).join();
      b.take();
      // Many idle timeouts pass; heartbeats must keep the same connection (no "closed connection" warning).
      await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(logs.warnings()).noneMatch(line -> line.contains("peer presumed dead"));
      assertThat(b.transport.inboundConnectionCount()).isEqualTo(1);
    }
  }
}
