package io.polis.transport.local;

import static io.polis.transport.local.TestNetwork.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.Address;
import io.polis.transport.BackpressureException;
import io.polis.transport.HandshakeRejectedException;
import io.polis.transport.PeerInfo;
import io.polis.transport.PeerUnavailableException;
import io.polis.transport.TransportConfig;
import io.polis.transport.local.TestNetwork.Node;
import io.polis.wire.RejectReason;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalTransportHandshakeTest {

  private static final String SECRET = "0123456789abcdef-shared";
  private static final String OTHER_SECRET = "fedcba9876543210-shared";

  private final TestNetwork net = new TestNetwork(42);

  @AfterEach
  void noTaskFailed() {
    assertThat(net.scheduler.failures()).isEmpty();
  }

  @Test
  void peersWithTheSameSecretConnect() {
    Node a = net.start(net.config("a").secret(SECRET));
    Node b = net.start(net.config("b").secret(SECRET));

    CompletableFuture<PeerInfo> connected = a.transport.connect(b.address());
    net.runUntilIdle();

    assertThat(connected).isCompletedWithValue(b.info());
  }

  @Test
  void differentClusterNamesAreRejectedAsClusterMismatch() {
    Node a = net.start(net.config("a").clusterName("blue"));
    Node b = net.start(net.config("b").clusterName("green"));

    assertRejected(a.transport.connect(b.address()), RejectReason.CLUSTER_MISMATCH);
  }

  @Test
  void secretOnTheConnectingSideOnlyFailsAuthentication() {
    Node a = net.start(net.config("a").secret(SECRET));
    Node b = net.start(net.config("b"));

    assertRejected(a.transport.connect(b.address()), RejectReason.AUTHENTICATION_FAILED);
  }

  @Test
  void secretOnTheAcceptingSideOnlyFailsAuthentication() {
    Node a = net.start(net.config("a"));
    Node b = net.start(net.config("b").secret(SECRET));

    assertRejected(a.transport.connect(b.address()), RejectReason.AUTHENTICATION_FAILED);
  }

  @Test
  void differentSecretsFailAuthentication() {
    Node a = net.start(net.config("a").secret(SECRET));
    Node b = net.start(net.config("b").secret(OTHER_SECRET));

    assertRejected(a.transport.connect(b.address()), RejectReason.AUTHENTICATION_FAILED);
  }

  @Test
  void differentProtocolVersionsAreRejectedAsVersionMismatch() {
    Node a = net.start(net.config("a").protocolVersionForTesting(2));
    Node b = net.start(net.config("b"));

    assertRejected(a.transport.connect(b.address()), RejectReason.VERSION_MISMATCH);
  }

  @Test
  void versionIsCheckedBeforeClusterAndSecret() {
    Node a = net.start(net.config("a").protocolVersionForTesting(2).clusterName("blue").secret(SECRET));
    Node b = net.start(net.config("b").clusterName("green"));

    assertRejected(a.transport.connect(b.address()), RejectReason.VERSION_MISMATCH);
  }

  @Test
  void firstSendRunsTheHandshakeAndFailsWithItsRejection() {
    Node a = net.start(net.config("a").clusterName("blue"));
    Node b = net.start(net.config("b").clusterName("green"));

    CompletableFuture<Void> sent = a.send(b, 1);
    net.runUntilIdle();

    assertThat(failureOf(sent)).asInstanceOf(InstanceOfAssertFactories.type(HandshakeRejectedException.class))
        .extracting(HandshakeRejectedException::reason).isEqualTo(RejectReason.CLUSTER_MISMATCH);
    assertThat(b.inbox).isEmpty();
    assertThat(net.network.stats().sent()).isZero();
  }

  @Test
  void unknownAddressIsUnavailable() {
    Node a = net.start("a");

    Address nobody = new Address("nobody", TestNetwork.PORT);

    CompletableFuture<PeerInfo> connected = a.transport.connect(nobody);
    CompletableFuture<Void> sent = a.transport.send(nobody, TestNetwork.message(1));
    net.runUntilIdle();

    assertThat(failureOf(connected)).isInstanceOf(PeerUnavailableException.class);
    assertThat(failureOf(sent)).isInstanceOf(PeerUnavailableException.class);
  }

  @Test
  void peerThatIsNotStartedIsUnavailable() {
    Node a = net.start("a");
    TransportConfig config = net.config("b").build();
    LocalTransport b = net.network.transport(config);

    CompletableFuture<PeerInfo> connected = a.transport.connect(b.localAddress());
    net.runUntilIdle();

    assertThat(failureOf(connected)).isInstanceOf(PeerUnavailableException.class)
        .hasMessageContaining("refused");
  }

  @Test
  void sendsWaitingForTheHandshakeAreBoundedByMaxPendingMessages() {
    Node a = net.start(net.config("a").maxPendingMessages(2));
    Node b = net.start("b");

    CompletableFuture<Void> first = a.send(b, 1);
    CompletableFuture<Void> second = a.send(b, 2);
    CompletableFuture<Void> third = a.send(b, 3);
    net.runUntilIdle();

    assertThat(failureOf(third)).isInstanceOf(BackpressureException.class);
    assertThat(first).isCompleted();
    assertThat(second).isCompleted();
    assertThat(b.numbers()).containsExactly(1, 2);
  }

  private void assertRejected(CompletableFuture<PeerInfo> connected, RejectReason reason) {
    net.runUntilIdle();
    assertThat(failureOf(connected)).asInstanceOf(InstanceOfAssertFactories.type(HandshakeRejectedException.class))
        .extracting(HandshakeRejectedException::reason).isEqualTo(reason);
  }
}
