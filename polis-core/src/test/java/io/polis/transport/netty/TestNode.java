package io.polis.transport.netty;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.PeerInfo;
import io.polis.transport.TransportConfig;
import io.polis.wire.PeerMessage;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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

  @Override
  public void close() {
    transport.close();
  }
}
