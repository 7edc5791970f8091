package io.polis.transport.netty;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.HandshakeRejectedException;
import io.polis.transport.PeerInfo;
import io.polis.transport.TransportConfig;
import io.polis.wire.DataMessage;
import io.polis.wire.PeerMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** A real TCP transport on 127.0.0.1, an ephemeral port, recording what it receives. */
final class TestNode implements AutoCloseable {

  /** A received message with its sender. */
  record Received(PeerInfo from, PeerMessage message) {}

  final NettyTransport transport;
  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

  private TestNode(TransportConfig config) {
    transport = new NettyTransport(config);
    transport.start((from, message) -> received.add(new Received(from, message))).join();
  }

  /** Starts a node with test-friendly defaults, adjusted by the customizer. */
  static TestNode start(Consumer<TransportConfig.Builder> customizer) {
    TransportConfig.Builder builder = TransportConfig.builder(MemberId.random())
        .clusterName("test")
        .bindHost("127.0.0.1")
        .port(0)
        .handshakeTimeout(Duration.ofSeconds(2))
        .shutdownTimeout(Duration.ofSeconds(2))
        .ioThreads(1);
    customizer.accept(builder);
    return new TestNode(builder.build());
  }

  static TestNode start() {
    return start(b -> { });
  }

  Address address() {
    return transport.localAddress();
  }

  MemberId id() {
    return transport.localId();
  }

  Received take() throws InterruptedException {
    Received r = received.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no message within 10 s");
    }
    return r;
  }

  /**
   * Sends a fresh message to the peer, waits for it there, and has the peer answer it: proof that both
   * directions of the connection between the two nodes work.
   */
  void exchangeWith(TestNode peer) throws InterruptedException {
    DataMessage ping = data("ping-" + UUID.randomUUID());
    transport.send(peer.address(), ping).join();
    Received atPeer = peer.take();
    if (!atPeer.message().equals(ping) || !atPeer.from().memberId().equals(id())) {
      throw new AssertionError("expected " + ping + " from " + id() + " but " + peer.id() + " got " + atPeer);
    }
    DataMessage pong = data("pong-" + UUID.randomUUID());
    peer.transport.send(atPeer.from().advertisedAddress(), pong).join();
    Received back = take();
    if (!back.message().equals(pong) || !back.from().memberId().equals(peer.id())) {
      throw new AssertionError("expected " + pong + " from " + peer.id() + " but " + id() + " got " + back);
    }
  }

  static DataMessage data(String text) {
    return new DataMessage("test", text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Waits (boundedly) for a future that must fail and returns why, unwrapped.
   *
   * @throws AssertionError if it succeeds or has not completed within 10 s
   */
  static Throwable failureOf(CompletableFuture<?> future) throws InterruptedException {
    return failureOf(future, Duration.ofSeconds(10));
  }

  /**
   * Waits at most the given time for a future that must fail and returns why, unwrapped.
   *
   * @throws AssertionError if it succeeds or has not completed in time
   */
  static Throwable failureOf(CompletableFuture<?> future, Duration within) throws InterruptedException {
    try {
      Object value = future.get(within.toNanos(), TimeUnit.NANOSECONDS);
      throw new AssertionError("expected a failure but the future completed with " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("the future neither failed nor completed within " + within, e);
    }
  }

  /** Waits for a future that must fail with a refused handshake, and returns the refusal. */
  static HandshakeRejectedException rejectionOf(CompletableFuture<?> future) throws InterruptedException {
    Throwable failure = failureOf(future);
    if (!(failure instanceof HandshakeRejectedException rejected)) {
      throw new AssertionError("expected a refused handshake but got " + failure, failure);
    }
    return rejected;
  }

  /** Waits until this node has no inbound connection left. */
  void awaitNoInboundConnection() {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> transport.inboundConnectionCount() == 0);
  }

  @Override
  public void close() {
    transport.close();
  }
}
