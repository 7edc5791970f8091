package io.polis.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.polis.node.MemberId;
import io.polis.wire.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransportConfigTest {

  private static final MemberId ID = MemberId.random();
  private static final Duration ZERO = Duration.ZERO;
  private static final Duration NEGATIVE = Duration.ofMillis(-1);

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        invalid("blank cluster name", b -> b.clusterName("  "), "clusterName"),
        invalid("empty cluster name", b -> b.clusterName(""), "clusterName"),
        invalid("cluster name over 255 bytes", b -> b.clusterName("é".repeat(128)), "clusterName"),
        invalid("blank bind host", b -> b.bindHost(" "), "bindHost"),
        invalid("negative port", b -> b.port(-1), "port"),
        invalid("port above 65535", b -> b.port(65536), "port"),
        invalid("maxFrameBytes below 1024", b -> b.maxFrameBytes(1023), "maxFrameBytes"),
        invalid("maxFrameBytes whose length-prefixed frame overflows an int",
            b -> b.maxFrameBytes(Integer.MAX_VALUE), "maxFrameBytes"),
        invalid("secret of 15 bytes", b -> b.secret(new byte[15]), "secret"),
        invalid("empty secret", b -> b.secret(""), "secret"),
        invalid("zero handshakeTimeout", b -> b.handshakeTimeout(ZERO), "handshakeTimeout"),
        invalid("negative handshakeTimeout", b -> b.handshakeTimeout(NEGATIVE), "handshakeTimeout"),
        invalid("zero connectTimeout", b -> b.connectTimeout(ZERO), "connectTimeout"),
        invalid("negative connectTimeout", b -> b.connectTimeout(NEGATIVE), "connectTimeout"),
        invalid("zero heartbeatInterval", b -> b.heartbeatInterval(ZERO), "heartbeatInterval"),
        invalid("negative heartbeatInterval", b -> b.heartbeatInterval(NEGATIVE), "heartbeatInterval"),
        invalid("zero idleTimeout", b -> b.idleTimeout(ZERO), "idleTimeout"),
        invalid("negative idleTimeout", b -> b.idleTimeout(NEGATIVE), "idleTimeout"),
        invalid("idleTimeout under twice heartbeatInterval",
            b -> b.heartbeatInterval(Duration.ofSeconds(1)).idleTimeout(Duration.ofMillis(1999)), "idleTimeout"),
        invalid("zero reconnect backoff min", b -> b.reconnectBackoff(ZERO, Duration.ofSeconds(1)),
            "reconnectBackoff"),
        invalid("negative reconnect backoff min", b -> b.reconnectBackoff(NEGATIVE, Duration.ofSeconds(1)),
            "reconnectBackoff"),
        invalid("reconnect backoff max below min",
            b -> b.reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)), "reconnectBackoff"),
        invalid("low watermark above high", b -> b.writeBufferWatermarks(2048, 1024), "writeBufferWatermarks"),
        invalid("zero low watermark", b -> b.writeBufferWatermarks(0, 1024), "writeBufferWatermarks"),
        invalid("negative watermarks", b -> b.writeBufferWatermarks(-2, -1), "writeBufferWatermarks"),
        invalid("zero slowPeerTimeout", b -> b.slowPeerTimeout(ZERO), "slowPeerTimeout"),
        invalid("negative slowPeerTimeout", b -> b.slowPeerTimeout(NEGATIVE), "slowPeerTimeout"),
        invalid("zero maxPendingMessages", b -> b.maxPendingMessages(0), "maxPendingMessages"),
        invalid("zero maxInboundConnections", b -> b.maxInboundConnections(0), "maxInboundConnections"),
        invalid("negative ioThreads", b -> b.ioThreads(-1), "ioThreads"),
        invalid("negative shutdownTimeout", b -> b.shutdownTimeout(NEGATIVE), "shutdownTimeout"),
        invalid("protocol version above a byte", b -> b.protocolVersionForTesting(256),
            "protocolVersionForTesting"),
        invalid("negative protocol version", b -> b.protocolVersionForTesting(-1), "protocolVersionForTesting"));
  }

  private static Arguments invalid(String name, Consumer<TransportConfig.Builder> change, String setting) {
    return Arguments.of(Named.of(name, change), setting);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSettings")
  void anInvalidSettingIsRefusedWithAMessageNamingIt(Consumer<TransportConfig.Builder> change, String setting) {
    TransportConfig.Builder builder = TransportConfig.builder(ID);
    change.accept(builder);

    assertThatIllegalArgumentException().isThrownBy(builder::build).withMessageContaining(setting);
  }

  @Test
  void theBoundaryValuesOfEachRangeAreAccepted() {
    assertThatNoException().isThrownBy(() -> TransportConfig.builder(ID)
        .clusterName("c".repeat(255))
        .port(0)
        .maxFrameBytes(1024)
        .secret(new byte[16])
        .heartbeatInterval(Duration.ofMillis(100))
        .idleTimeout(Duration.ofMillis(200))
        .reconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(1))
        .writeBufferWatermarks(1, 1)
        .maxPendingMessages(1)
        .maxInboundConnections(1)
        .ioThreads(0)
        .shutdownTimeout(ZERO)
        .protocolVersionForTesting(255)
        .build());
    assertThatNoException().isThrownBy(() -> TransportConfig.builder(ID).port(65535)
        .maxFrameBytes(Integer.MAX_VALUE - Envelope.LENGTH_PREFIX_SIZE).protocolVersionForTesting(0).build());
  }

  @Test
  void anUnsetSettingTakesItsDocumentedDefault() {
    TransportConfig config = TransportConfig.builder(ID).build();

    assertThat(config.memberId()).isEqualTo(ID);
    assertThat(config.clusterName()).isEqualTo(TransportConfig.DEFAULT_CLUSTER_NAME);
    assertThat(config.bindHost()).isEqualTo(TransportConfig.DEFAULT_BIND_HOST);
    assertThat(config.port()).isEqualTo(TransportConfig.DEFAULT_PORT);
    assertThat(config.advertisedAddress()).isEmpty();
    assertThat(config.maxFrameBytes()).isEqualTo(TransportConfig.DEFAULT_MAX_FRAME_BYTES);
    assertThat(config.secret()).isEmpty();
    assertThat(config.tls()).isEmpty();
    assertThat(config.handshakeTimeout()).isEqualTo(TransportConfig.DEFAULT_HANDSHAKE_TIMEOUT);
    assertThat(config.connectTimeout()).isEqualTo(TransportConfig.DEFAULT_CONNECT_TIMEOUT);
    assertThat(config.heartbeatInterval()).isEqualTo(TransportConfig.DEFAULT_HEARTBEAT_INTERVAL);
    assertThat(config.idleTimeout()).isEqualTo(TransportConfig.DEFAULT_IDLE_TIMEOUT);
    assertThat(config.reconnectBackoffMin()).isEqualTo(TransportConfig.DEFAULT_RECONNECT_BACKOFF_MIN);
    assertThat(config.reconnectBackoffMax()).isEqualTo(TransportConfig.DEFAULT_RECONNECT_BACKOFF_MAX);
    assertThat(config.writeBufferLowWatermark()).isEqualTo(TransportConfig.DEFAULT_WRITE_BUFFER_LOW_WATERMARK);
    assertThat(config.writeBufferHighWatermark()).isEqualTo(TransportConfig.DEFAULT_WRITE_BUFFER_HIGH_WATERMARK);
    assertThat(config.slowPeerTimeout()).isEqualTo(TransportConfig.DEFAULT_SLOW_PEER_TIMEOUT);
    assertThat(config.maxPendingMessages()).isEqualTo(TransportConfig.DEFAULT_MAX_PENDING_MESSAGES);
    assertThat(config.maxInboundConnections()).isEqualTo(TransportConfig.DEFAULT_MAX_INBOUND_CONNECTIONS);
    assertThat(config.shutdownTimeout()).isEqualTo(TransportConfig.DEFAULT_SHUTDOWN_TIMEOUT);
    assertThat(config.protocolVersion()).isEqualTo(Envelope.CURRENT_VERSION);
    // DEFAULT_IO_THREADS is 0, "automatic": the accessor resolves it to one per core, at most 4.
    assertThat(TransportConfig.DEFAULT_IO_THREADS).isZero();
    assertThat(config.ioThreads()).isEqualTo(Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  @Test
  void theDefaultsThemselvesAreConsistent() {
    assertThat(TransportConfig.DEFAULT_IDLE_TIMEOUT)
        .isGreaterThanOrEqualTo(TransportConfig.DEFAULT_HEARTBEAT_INTERVAL.multipliedBy(2));
    assertThat(TransportConfig.DEFAULT_RECONNECT_BACKOFF_MAX)
        .isGreaterThanOrEqualTo(TransportConfig.DEFAULT_RECONNECT_BACKOFF_MIN);
    assertThat(TransportConfig.DEFAULT_WRITE_BUFFER_LOW_WATERMARK)
        .isLessThanOrEqualTo(TransportConfig.DEFAULT_WRITE_BUFFER_HIGH_WATERMARK);
    assertThat(TransportConfig.DEFAULT_MAX_FRAME_BYTES).isGreaterThanOrEqualTo(1024);
  }

  @Test
  void theSecretIsCopiedInAndOutSoNoCallerCanChangeIt() {
    byte[] secret = "sixteen bytes!!!".getBytes(StandardCharsets.UTF_8);
    TransportConfig config = TransportConfig.builder(ID).secret(secret).build();

    secret[0] = 'X';
    config.secret().orElseThrow()[1] = 'Y';

    assertThat(config.secret()).hasValueSatisfying(
        s -> assertThat(new String(s, StandardCharsets.UTF_8)).isEqualTo("sixteen bytes!!!"));
    assertThat(config.toString()).contains("secret=set").doesNotContain("sixteen");
  }

  @Test
  void aSecretIsMeasuredInBytesNotCharacters() {
    // Eight two-byte characters: 16 bytes of UTF-8, enough.
    assertThatNoException().isThrownBy(() -> TransportConfig.builder(ID).secret("éééééééé").build());
    assertThatIllegalArgumentException().isThrownBy(() -> TransportConfig.builder(ID).secret("ééééééé").build())
        .withMessageContaining("secret");
  }

  @Test
  void aNullSecretTurnsAuthenticationOff() {
    TransportConfig config = TransportConfig.builder(ID).secret("sixteen bytes!!!").secret((String) null).build();

    assertThat(config.secret()).isEmpty();
  }

  @Test
  void aMissingRequiredValueIsRefusedAtOnceNamingIt() {
    assertThatNullPointerException().isThrownBy(() -> TransportConfig.builder(null)).withMessage("memberId");
    assertThatNullPointerException().isThrownBy(() -> TransportConfig.builder(ID).clusterName(null))
        .withMessage("clusterName");
    assertThatNullPointerException().isThrownBy(() -> TransportConfig.builder(ID).idleTimeout(null))
        .withMessage("idleTimeout");
  }
}
