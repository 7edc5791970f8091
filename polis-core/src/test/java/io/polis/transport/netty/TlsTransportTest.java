package io.polis.transport.netty;

import static io.polis.transport.netty.TestNode.data;
import static io.polis.transport.netty.TestNode.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.polis.node.MemberId;
import io.polis.testing.LogCapture;
import io.polis.transport.HandshakeRejectedException;
import io.polis.transport.TlsConfig;
import io.polis.transport.TransportConfig;
import io.polis.transport.TransportException;
import io.polis.transport.netty.TestCertificates.Authority;
import io.polis.transport.netty.TestCertificates.Issued;
import io.polis.wire.DataMessage;
import io.polis.wire.Envelope;
import io.polis.wire.MessageType;
import io.polis.wire.RejectReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-TCP connections under TLS, with certificates made by {@link TestCertificates}: plain and mutual
 * TLS, refused certificates, TLS on one side only, TLS with a cluster secret, and what crosses the wire.
 */
class TlsTransportTest {

  private static final String SECRET = "the cluster secret, 16+ bytes";
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);

  @TempDir Path dir;
  private Authority cluster;
  private Authority rogue;
  private LogCapture logs;
  private LogCapture nettyLogs;

  @BeforeEach
  void setUp() {
    cluster = TestCertificates.newAuthority(dir, "cluster");
    rogue = TestCertificates.newAuthority(dir, "rogue");
    logs = new LogCapture();
    nettyLogs = new LogCapture("io.netty");
  }

  @AfterEach
  void tearDown() {
    logs.close();
    nettyLogs.close();
    // Every failure is the handshake handlers' to report; none may reach the pipeline's tail unhandled.
    assertThat(nettyLogs.warnings()).noneMatch(line -> line.contains("reached at the tail of the pipeline"));
  }

  @Test
  void nodesWithTlsOnBothSidesExchangeMessages() throws Exception {
    try (TestNode server = node(tls("server", false)); TestNode client = node(tls("client", false))) {
      assertThat(client.transport.connect(server.address()).join().memberId()).isEqualTo(server.id());
      client.exchangeWith(server);
      assertThat(logs.warnings()).isEmpty();
    }
  }

  @Test
  void membersOfTheSameAuthorityPassMutualTls() throws Exception {
    try (TestNode server = node(tls("server", true)); TestNode client = node(tls("client", true))) {
      client.exchangeWith(server);
      assertThat(logs.warnings()).isEmpty();
    }
  }

  @Test
  void mutualTlsRefusesAClientWhoseCertificateComesFromAnUntrustedAuthority() throws Exception {
    // The intruder trusts the cluster's authority, so it accepts the server; only its own certificate is wrong.
    TlsConfig intruderTls = rogue.issue("intruder").tls(cluster, true);
    try (TestNode server = node(tls("server", true)); TestNode intruder = node(c -> c.tls(intruderTls))) {
      CompletableFuture<Void> sent = intruder.transport.send(server.address(), data("must not arrive"));
      HandshakeRejectedException rejected = TestNode.rejectionOf(sent);

      assertThat(rejected.reason()).isEqualTo(RejectReason.AUTHENTICATION_FAILED);
      assertThat(rejected).hasMessageContaining("TLS");
      logs.awaitWarningFrom(server.id().shortForm(), "TLS handshake failed");
      logs.awaitWarningFrom(intruder.id().shortForm(), "AUTHENTICATION_FAILED", "TLS");
      server.awaitNoInboundConnection();
      assertThat(server.received).isEmpty();
      try (TestNode member = node(tls("member", true))) {
        member.exchangeWith(server);
      }
    }
  }

  @Test
  void aClientRefusesAServerWhoseCertificateComesFromAnUntrustedAuthority() throws Exception {
    TlsConfig impostorTls = rogue.issue("impostor").tls(cluster, false);
    try (TestNode impostor = node(c -> c.tls(impostorTls)); TestNode client = node(tls("client", false))) {
      HandshakeRejectedException rejected = TestNode.rejectionOf(client.transport.connect(impostor.address()));

      assertThat(rejected.reason()).isEqualTo(RejectReason.AUTHENTICATION_FAILED);
      assertThat(rejected).hasMessageContaining("TLS");
      logs.awaitWarningFrom(client.id().shortForm(), "AUTHENTICATION_FAILED", "TLS");
      impostor.awaitNoInboundConnection();
      assertThat(impostor.received).isEmpty();
    }
  }

  @Test
  void aPlainClientToATlsServerFailsWithATypedErrorWithinTheHandshakeTimeout() throws Exception {
    try (TestNode server = node(tls("server", false)); TestNode client = node(c -> { })) {
      Throwable failure = failureOf(client.transport.connect(server.address()), HANDSHAKE_TIMEOUT.plusSeconds(2));

      assertThat(failure).isInstanceOf(TransportException.class);
      logs.awaitWarningFrom(server.id().shortForm(), "TLS handshake failed");
      server.awaitNoInboundConnection();
    }
  }

  @Test
  void aTlsClientToAPlainServerFailsWithATypedErrorWithinTheHandshakeTimeout() throws Exception {
    try (TestNode server = node(c -> { }); TestNode client = node(tls("client", false))) {
      Throwable failure = failureOf(client.transport.connect(server.address()), HANDSHAKE_TIMEOUT.plusSeconds(2));

      assertThat(failure).isInstanceOf(HandshakeRejectedException.class)
          .hasMessageContaining("TLS handshake failed").hasMessageContaining("is TLS on at the peer?");
      logs.awaitWarningFrom(server.id().shortForm(), "closed connection from", "not a Polis peer");
      server.awaitNoInboundConnection();
    }
  }

  @Test
  void tlsAndAClusterSecretTogetherWork() throws Exception {
    TlsConfig serverTls = cluster.issue("server").tls(true);
    TlsConfig clientTls = cluster.issue("client").tls(true);
    try (TestNode server = node(c -> c.tls(serverTls).secret(SECRET));
        TestNode client = node(c -> c.tls(clientTls).secret(SECRET))) {
      client.exchangeWith(server);
      assertThat(logs.warnings()).isEmpty();
    }
  }

  @Test
  void underTlsTheClusterSecretIsStillChecked() throws Exception {
    TlsConfig serverTls = cluster.issue("server").tls(true);
    TlsConfig clientTls = cluster.issue("client").tls(true);
    try (TestNode server = node(c -> c.tls(serverTls).secret(SECRET));
        TestNode client = node(c -> c.tls(clientTls).secret("another secret of 16+ bytes"))) {
      assertThat(TestNode.rejectionOf(client.transport.connect(server.address())).reason())
          .isEqualTo(RejectReason.AUTHENTICATION_FAILED);
      server.awaitNoInboundConnection();
    }
  }

  @Test
  void underTlsNeitherTheHandshakeNorMessagesCanBeReadOnTheWire() throws Exception {
    String clusterName = "cluster-name-on-the-wire";
    TlsConfig serverTls = cluster.issue("server").tls(false);
    TlsConfig clientTls = cluster.issue("client").tls(false);
    try (TestNode server = node(c -> c.clusterName(clusterName).tls(serverTls));
        TestNode client = node(c -> c.clusterName(clusterName).tls(clientTls));
        RecordingProxy wire = new RecordingProxy(server.address())) {
      String payload = sendThrough(wire, client, server);

      byte[] up = wire.upstreamBytes();
      byte[] down = wire.downstreamBytes();
      assertThat(up[0]).as("first byte from the client: a TLS handshake record").isEqualTo((byte) 0x16);
      assertThat(down[0]).as("first byte from the server: a TLS handshake record").isEqualTo((byte) 0x16);
      assertThat(contains(up, payload)).as("payload in clear text").isFalse();
      assertThat(contains(up, clusterName)).as("cluster name in clear text").isFalse();
      assertThat(contains(down, clusterName)).as("cluster name in clear text").isFalse();
      assertThat(containsEnvelope(up, MessageType.HELLO)).as("a Hello envelope in clear text").isFalse();
      assertThat(containsEnvelope(down, MessageType.WELCOME)).as("a Welcome envelope in clear text").isFalse();
    }
  }

  @Test
  void withoutTlsTheSameRecordingShowsMessagesInClearText() throws Exception {
    // The control for the test above: the recording does see clear text when there is some.
    String clusterName = "cluster-name-on-the-wire";
    try (TestNode server = node(c -> c.clusterName(clusterName));
        TestNode client = node(c -> c.clusterName(clusterName));
        RecordingProxy wire = new RecordingProxy(server.address())) {
      String payload = sendThrough(wire, client, server);

      assertThat(contains(wire.upstreamBytes(), payload)).isTrue();
      assertThat(contains(wire.upstreamBytes(), clusterName)).isTrue();
      assertThat(containsEnvelope(wire.upstreamBytes(), MessageType.HELLO)).isTrue();
      assertThat(containsEnvelope(wire.downstreamBytes(), MessageType.WELCOME)).isTrue();
    }
  }

  @Test
  void aMissingTlsFileIsRefusedAtConfigurationTimeNamingTheFile() throws Exception {
    Issued member = cluster.issue("member");
    Path missing = dir.resolve("no-such-file.pem");
    Path trusted = cluster.certificateFile();

    assertThatIllegalArgumentException()
        .isThrownBy(() -> new TlsConfig(missing, member.privateKey(), null, trusted, false))
        .withMessageContaining(missing.toString()).withMessageContaining("certificateChain");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new TlsConfig(member.certificateChain(), missing, null, trusted, false))
        .withMessageContaining(missing.toString()).withMessageContaining("privateKey");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new TlsConfig(member.certificateChain(), member.privateKey(), null, missing, false))
        .withMessageContaining(missing.toString()).withMessageContaining("trustedCertificates");
  }

  @Test
  void aFileThatIsNotPemFailsTheStartNamingTheSettings() throws Exception {
    Issued member = cluster.issue("member");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "this is not a certificate");
    TlsConfig tls = new TlsConfig(garbage, member.privateKey(), null, cluster.certificateFile(), false);
    NettyTransport transport = new NettyTransport(TransportConfig.builder(MemberId.random())
        .bindHost("127.0.0.1").port(0).tls(tls).build());

    Throwable failure = failureOf(transport.start((from, message) -> { }));

    assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("garbage.pem");
    assertThat(transport.shutdown()).succeedsWithin(Duration.ofSeconds(5));
  }

  /** Sends a unique payload from client to server through the proxy; returns it once the server has it. */
  private static String sendThrough(RecordingProxy wire, TestNode client, TestNode server) throws Exception {
    String payload = "payload that must not be readable " + MemberId.random();
    client.transport.send(wire.address(), new DataMessage("test", payload.getBytes(StandardCharsets.UTF_8)))
        .join();
    assertThat(server.take().message()).isEqualTo(data(payload));
    return payload;
  }

  private static boolean contains(byte[] haystack, String needle) {
    return indexOf(haystack, needle.getBytes(StandardCharsets.UTF_8)) >= 0;
  }

  /** Looks for the 5-byte envelope (magic "PL", version, type, no flags) that starts every Polis frame. */
  private static boolean containsEnvelope(byte[] bytes, MessageType type) {
    byte[] envelope = {'P', 'L', (byte) Envelope.CURRENT_VERSION, (byte) type.code(), 0};
    return indexOf(bytes, envelope) >= 0;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private Consumer<TransportConfig.Builder> tls(String member, boolean requireClientAuth) {
    TlsConfig tls = cluster.issue(member).tls(requireClientAuth);
    return c -> c.tls(tls);
  }

  private static TestNode node(Consumer<TransportConfig.Builder> config) {
    return TestNode.start(c -> {
      c.handshakeTimeout(HANDSHAKE_TIMEOUT);
      config.accept(c);
    });
  }

}
