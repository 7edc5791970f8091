package io.polis.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.PeerInfo;
import io.polis.transport.PeerUnavailableException;
import io.polis.transport.TransportConfig;
import io.polis.wire.DataMessage;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A {@link PeerConnection} driven by a dialer that decides when the handshake ends, on an
 * {@link EmbeddedChannel}: no sockets, no timing.
 */
class PeerConnectionTest {

  private static final Address PEER = new Address("127.0.0.1", 7801);

  private final TransportContext context = new TransportContext(
      TransportConfig.builder(MemberId.random()).clusterName("test").build());
  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(1));
  private final EmbeddedChannel channel = new EmbeddedChannel();

  @Test
  void aFirstMessageIsWrittenEvenWhenTheHandshakeEndsBeforeTheSenderRegainsControl() {
    // The handshake completes inside dial(), as it can when the sending thread is preempted for the
    // few milliseconds a loopback handshake takes.
    PeerInfo peer = new PeerInfo(MemberId.random(), PEER);
    PeerConnection connection = new PeerConnection(PEER, context, (address, handshake) -> {
      handshake.result().complete(peer);
      return channel.newSucceededFuture();
    }, backoff);
    DataMessage message = new DataMessage("test", new byte[] {1});

    CompletableFuture<Void> sent = connection.send(message);

    assertThat((Object) channel.readOutbound()).isEqualTo(message);
    assertThat(sent).isCompleted();
  }

  @Test
  void aFirstMessageFailsEvenWhenTheHandshakeFailsBeforeTheSenderRegainsControl() {
    PeerConnection connection = new PeerConnection(PEER, context, (address, handshake) -> {
      handshake.result().completeExceptionally(new PeerUnavailableException(PEER, "refused", null));
      return channel.newSucceededFuture();
    }, backoff);

    CompletableFuture<Void> sent = connection.send(new DataMessage("test", new byte[] {1}));

    assertThat(sent).isCompletedExceptionally();
    assertThat((Object) channel.readOutbound()).isNull();
  }

  @Test
  void whenConnectCompletesTheConnectionIsUsableAndSendsAreWrittenNotQueued() {
    // The handshake's own future completes before the connection's callback has switched state; the
    // future connect() returns must not, or a caller woken by it would find the connection still
    // "connecting" and fill the pending queue.
    PeerInfo peer = new PeerInfo(MemberId.random(), PEER);
    CompletableFuture<ClientHandshakeHandler> dialed = new CompletableFuture<>();
    PeerConnection connection = new PeerConnection(PEER, context, (address, handshake) -> {
      dialed.complete(handshake);
      return channel.newSucceededFuture();
    }, backoff);
    CompletableFuture<PeerInfo> connected = connection.connect();
    CompletableFuture<Boolean> writtenAtOnce = connected.thenApply(p -> {
      connection.send(new DataMessage("test", new byte[] {2}));
      return channel.readOutbound() != null;
    });

    dialed.join().result().complete(peer);

    assertThat(connected).isCompletedWithValue(peer);
    assertThat(writtenAtOnce).isCompletedWithValue(true);
  }
}
