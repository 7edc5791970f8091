package io.polis.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.PeerUnavailableException;
import io.polis.transport.TransportConfig;
import java.net.ConnectException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** {@link PeerConnection} with a scripted dialer: no sockets. */
class PeerConnectionDialFailureTest {

  private static final Address PEER = new Address("127.0.0.1", 7801);

  private final TransportConfig config = TransportConfig.builder(MemberId.random()).build();
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), new SplittableRandom(1));

  @Test
  void aSendWhoseDialFailsAtOnceFailsInsteadOfWaitingForever() throws Exception {
    // Netty returns an already failed future when it cannot even create or register a channel (no file
    // descriptors left, event loop shutting down): the failure is known before dial() returns.
    EmbeddedChannel channel = new EmbeddedChannel();
    PeerConnection connection = new PeerConnection(PEER, new TransportContext(config),
        (address, handshake) -> channel.newFailedFuture(new ConnectException("too many open files")), backoff);

    CompletableFuture<Void> sent = connection.send(TestNode.data("lost?"));

    assertThat(sent).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(PeerUnavailableException.class).withMessageContaining("too many open files");
    channel.finishAndReleaseAll();
  }
}
