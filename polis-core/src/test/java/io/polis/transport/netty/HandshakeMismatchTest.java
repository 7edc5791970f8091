package io.polis.transport.netty;

import static io.polis.transport.netty.TestNode.data;
import static io.polis.transport.netty.TestNode.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.testing.LogCapture;
import io.polis.transport.HandshakeRejectedException;
import io.polis.transport.TransportConfig;
import io.polis.wire.AuthProof;
import io.polis.wire.Hello;
import io.polis.wire.Message;
import io.polis.wire.Reject;
import io.polis.wire.RejectReason;
import io.polis.wire.Welcome;
import io.polis.wire.WireLimits;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real-TCP handshakes that must fail: another cluster, another protocol version, another (or a missing)
 * cluster secret. Each must give the caller a typed reason, leave a WARN line on both sides, close the
 * connection, deliver nothing, and leave the refusing node serving well-configured peers.
 */
class HandshakeMismatchTest {

  private static final String SECRET = "the cluster secret, 16+ bytes";
  private static final String OTHER_SECRET = "another secret of 16+ bytes";

  private LogCapture logs;

  @BeforeEach
  void captureLogs() {
    logs = new LogCapture();
  }

  @AfterEach
  void stopCapturing() {
    logs.close();
  }

  @Test
  void aNodeOfAnotherClusterIsRefusedWithClusterMismatchLoggedOnBothSides() throws Exception {
    try (TestNode server = TestNode.start(c -> c.clusterName("beta"));
        TestNode client = TestNode.start(c -> c.clusterName("alpha"))) {
      HandshakeRejectedException rejected = TestNode.rejectionOf(client.transport.connect(server.address()));

      assertThat(rejected.reason()).isEqualTo(RejectReason.CLUSTER_MISMATCH);
      assertThat(rejected).hasMessageContaining("'alpha'").hasMessageContaining("'beta'");
      logs.awaitWarningFrom(server.id().shortForm(), "CLUSTER_MISMATCH", client.id().shortForm(), "'alpha'");
      logs.awaitWarningFrom(client.id().shortForm(), "CLUSTER_MISMATCH", "'beta'");
      server.awaitNoInboundConnection();
      assertStillServes(server, c -> c.clusterName("beta"));
    }
  }

  @Test
  void theServerAnswersAHelloFromAnotherClusterWithOneRejectAndClosesByItself() throws Exception {
    try (TestNode server = TestNode.start(c -> c.clusterName("beta"));
        RawPeer raw = RawPeer.connect(server.address())) {
      raw.send(hello("alpha"));

      // The raw peer never closes, so reaching the end of the stream proves the server closed.
      List<Message> frames = raw.readUntilClosed();
      assertThat(frames).hasSize(1).first().isInstanceOfSatisfying(Reject.class, reject -> {
        assertThat(reject.reason()).isEqualTo(RejectReason.CLUSTER_MISMATCH);
        assertThat(reject.detail()).contains("'beta'").contains("'alpha'");
      });
      server.awaitNoInboundConnection();
    }
  }

  @ParameterizedTest(name = "v{0} client to v{1} server")
  @CsvSource({"2, 1", "1, 2"})
  void aNodeOfAnotherProtocolVersionIsRefusedWithVersionMismatchLoggedOnBothSides(int clientVersion,
      int serverVersion) throws Exception {
    try (TestNode server = TestNode.start(c -> c.protocolVersionForTesting(serverVersion));
        TestNode client = TestNode.start(c -> c.protocolVersionForTesting(clientVersion))) {
      CompletableFuture<Void> sent = client.transport.send(server.address(), data("must not arrive"));
      HandshakeRejectedException rejected = TestNode.rejectionOf(sent);

      assertThat(rejected.reason()).isEqualTo(RejectReason.VERSION_MISMATCH);
      assertThat(rejected).hasMessageContaining("version 2");
      logs.awaitWarningFrom(client.id().shortForm(), "VERSION_MISMATCH");
      logs.awaitWarningFrom(server.id().shortForm(), "VERSION_MISMATCH");
      server.awaitNoInboundConnection();
      assertThat(server.received).isEmpty();
      // The side that speaks this build's version goes on working with its own kind.
      assertStillServes(clientVersion == 1 ? client : server, c -> { });
    }
  }

  @Test
  void aNodeWithAnotherSecretFailsAuthenticationAndTheServerTellsItNothing() throws Exception {
    try (TestNode server = TestNode.start(c -> c.secret(SECRET));
        TestNode client = TestNode.start(c -> c.secret(OTHER_SECRET))) {
      CompletableFuture<Void> sent = client.transport.send(server.address(), data("must not arrive"));
      HandshakeRejectedException rejected = TestNode.rejectionOf(sent);

      assertThat(rejected.reason()).isEqualTo(RejectReason.AUTHENTICATION_FAILED);
      assertThat(rejected).hasMessageContaining("cluster secret")
          .hasMessageNotContaining("refused by the peer"); // the wording of a received Reject
      logs.awaitWarningFrom(client.id().shortForm(), "AUTHENTICATION_FAILED");
      logs.awaitWarningFrom(server.id().shortForm(), "authentication failed", client.id().shortForm());
      server.awaitNoInboundConnection();
      assertThat(server.received).isEmpty();
      assertThat(client.received).isEmpty();
      assertStillServes(server, c -> c.secret(SECRET));
    }
  }

  @ParameterizedTest(name = "secret only on the {0}")
  @CsvSource({
      "server, peer requires a cluster secret and none is configured on this node",
      "client, peer has no cluster secret and this node requires one"})
  void aSecretOnOneSideOnlyFailsAuthenticationWithAClearMessage(String sideWithSecret, String expected)
      throws Exception {
    Consumer<TransportConfig.Builder> serverConfig = c -> c.secret(sideWithSecret.equals("server") ? SECRET : null);
    Consumer<TransportConfig.Builder> clientConfig = c -> c.secret(sideWithSecret.equals("client") ? SECRET : null);
    try (TestNode server = TestNode.start(serverConfig); TestNode client = TestNode.start(clientConfig)) {
      HandshakeRejectedException rejected = TestNode.rejectionOf(client.transport.connect(server.address()));

      assertThat(rejected.reason()).isEqualTo(RejectReason.AUTHENTICATION_FAILED);
      assertThat(rejected).hasMessageContaining(expected);
      logs.awaitWarningFrom(client.id().shortForm(), "AUTHENTICATION_FAILED", expected);
      logs.awaitWarningFrom(server.id().shortForm(), "authentication failed", client.id().shortForm());
      server.awaitNoInboundConnection();
      assertStillServes(server, serverConfig);
    }
  }

  @Test
  void nodesWithTheSameSecretAuthenticateEachOtherAndExchangeMessages() throws Exception {
    try (TestNode server = TestNode.start(c -> c.secret(SECRET));
        TestNode client = TestNode.start(c -> c.secret(SECRET))) {
      assertThat(client.transport.connect(server.address()).join().memberId()).isEqualTo(server.id());
      client.exchangeWith(server);
      assertThat(logs.warnings()).isEmpty();
    }
  }

  @Test
  void aRejectedHandshakeIsNotRetriedUntilTheBackoffHasPassed() throws Exception {
    Duration backoff = Duration.ofSeconds(1);
    try (TestNode server = TestNode.start(c -> c.clusterName("beta"));
        TestNode client = TestNode.start(c -> c.clusterName("alpha").reconnectBackoff(backoff, backoff))) {
      String serverRefusal = "refused connection from " + client.id().shortForm();
      HandshakeRejectedException first = TestNode.rejectionOf(client.transport.send(server.address(), data("one")));
      long failedAt = System.nanoTime();
      logs.awaitWarningFrom(server.id().shortForm(), serverRefusal);

      CompletableFuture<Void> second = client.transport.send(server.address(), data("two"));
      // Failed before send() returned: no connection was even attempted.
      assertThat(second).isCompletedExceptionally();
      assertThat(failureOf(second)).isInstanceOfSatisfying(HandshakeRejectedException.class,
          e -> assertThat(e.reason()).isEqualTo(first.reason()));
      assertThat(logs.countWarnings(serverRefusal)).isEqualTo(1);

      // Once the backoff (less at most a fifth of jitter) has passed, the next send tries again.
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
        client.transport.send(server.address(), data("again"));
        return logs.countWarnings(serverRefusal) == 2;
      });
      assertThat(Duration.ofNanos(System.nanoTime() - failedAt)).isGreaterThanOrEqualTo(backoff.multipliedBy(4)
          .dividedBy(5));
      assertThat(server.received).isEmpty();
    }
  }

  @Test
  void aClientWithAWrongProofGetsOnlyTheWelcomeAndThenTheServerCloses() throws Exception {
    try (TestNode server = TestNode.start(c -> c.secret(SECRET));
        RawPeer raw = RawPeer.connect(server.address())) {
      Hello hello = hello("test");
      raw.send(hello);
      assertThat(raw.read()).isInstanceOf(Welcome.class);

      raw.send(new AuthProof(new byte[WireLimits.PROOF_BYTES])); // a proof made without the secret
      assertThat(raw.readUntilClosed()).isEmpty();
      logs.awaitWarningFrom(server.id().shortForm(), "authentication failed", hello.memberId().shortForm());
      server.awaitNoInboundConnection();
      assertStillServes(server, c -> c.secret(SECRET));
    }
  }

  @Test
  void aClientThatCannotVerifyTheServersProofSendsItNothingAndCloses() throws Exception {
    try (TestNode client = TestNode.start(c -> c.secret(SECRET));
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Address impostor = new Address("127.0.0.1", listener.getLocalPort());
      CompletableFuture<?> connecting = client.transport.connect(impostor);
      try (RawPeer raw = RawPeer.accept(listener)) {
        assertThat(raw.read()).isInstanceOf(Hello.class);
        raw.send(new Welcome("test", MemberId.random(), impostor, nonce(), new byte[WireLimits.PROOF_BYTES]));

        assertThat(raw.readUntilClosed()).isEmpty(); // neither a proof nor a Reject
      }
      assertThat(TestNode.rejectionOf(connecting).reason()).isEqualTo(RejectReason.AUTHENTICATION_FAILED);
      logs.awaitWarningFrom(client.id().shortForm(), "AUTHENTICATION_FAILED");
    }
  }


  /** A third, well-configured node can still connect to the given node and exchange messages with it. */
  private static void assertStillServes(TestNode node, Consumer<TransportConfig.Builder> config)
      throws InterruptedException {
    try (TestNode third = TestNode.start(config)) {
      third.exchangeWith(node);
    }
  }

  private static Hello hello(String cluster) {
    return new Hello(cluster, MemberId.random(), new Address("127.0.0.1", 1), nonce());
  }

  private static byte[] nonce() {
    return HandshakeProofs.newNonce(WireLimits.NONCE_BYTES);
  }
}
