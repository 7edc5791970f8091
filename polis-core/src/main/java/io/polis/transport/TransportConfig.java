package io.polis.transport;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.wire.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a node's transport. Build with {@link #builder(MemberId)}; every setting has a
 * documented default ({@code DEFAULT_*}) and {@link Builder#build()} rejects inconsistent values with a
 * message naming the setting.
 */
public final class TransportConfig {

  /** Default cluster name. */
  public static final String DEFAULT_CLUSTER_NAME = "polis";
  /** Default interface to listen on: all of them. */
  public static final String DEFAULT_BIND_HOST = "0.0.0.0";
  /** Default TCP port. 0 means an ephemeral port. */
  public static final int DEFAULT_PORT = 7800;
  /** Default largest frame accepted or sent: 16 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
  /** Default time a connection has to complete its handshake. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
  /** Default TCP connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** Default time without writing after which a heartbeat is sent. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  /** Default time without a complete inbound frame after which a connection is closed as dead. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
  /** Default first reconnect delay; it doubles per failure up to the maximum. */
  public static final Duration DEFAULT_RECONNECT_BACKOFF_MIN = Duration.ofMillis(100);
  /** Default longest reconnect delay. */
  public static final Duration DEFAULT_RECONNECT_BACKOFF_MAX = Duration.ofSeconds(10);
  /** Default outbound bytes per connection below which a connection is writable again: 1 MiB. */
  public static final int DEFAULT_WRITE_BUFFER_LOW_WATERMARK = 1024 * 1024;
  /** Default outbound bytes per connection above which sends fail fast: 4 MiB. */
  public static final int DEFAULT_WRITE_BUFFER_HIGH_WATERMARK = 4 * 1024 * 1024;
  /** Default time a connection may stay over its high-water mark before it is closed. */
  public static final Duration DEFAULT_SLOW_PEER_TIMEOUT = Duration.ofSeconds(10);
  /** Default most messages queued for a peer while its connection is being made. */
  public static final int DEFAULT_MAX_PENDING_MESSAGES = 1024;
  /** Default most inbound connections at once. */
  public static final int DEFAULT_MAX_INBOUND_CONNECTIONS = 4096;
  /** Default I/O threads; 0 means one per core, at most 4. */
  public static final int DEFAULT_IO_THREADS = 0;
  /** Default time a shutdown waits for connections to flush and close. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  private final String clusterName;
  private final MemberId memberId;
  private final String bindHost;
  private final int port;
  private final @Nullable Address advertisedAddress;
  private final int maxFrameBytes;
  private final byte @Nullable [] secret;
  private final @Nullable TlsConfig tls;
  private final Duration handshakeTimeout;
  private final Duration connectTimeout;
  private final Duration heartbeatInterval;
  private final Duration idleTimeout;
  private final Duration reconnectBackoffMin;
  private final Duration reconnectBackoffMax;
  private final int writeBufferLowWatermark;
  private final int writeBufferHighWatermark;
  private final Duration slowPeerTimeout;
  private final int maxPendingMessages;
  private final int maxInboundConnections;
  private final int ioThreads;
  private final Duration shutdownTimeout;
  private final int protocolVersion;

  private TransportConfig(Builder b) {
    clusterName = b.clusterName;
    memberId = b.memberId;
    bindHost = b.bindHost;
    port = b.port;
    advertisedAddress = b.advertisedAddress;
    maxFrameBytes = b.maxFrameBytes;
    secret = b.secret == null ? null : b.secret.clone();
    tls = b.tls;
    handshakeTimeout = b.handshakeTimeout;
    connectTimeout = b.connectTimeout;
    heartbeatInterval = b.heartbeatInterval;
    idleTimeout = b.idleTimeout;
    reconnectBackoffMin = b.reconnectBackoffMin;
    reconnectBackoffMax = b.reconnectBackoffMax;
    writeBufferLowWatermark = b.writeBufferLowWatermark;
    writeBufferHighWatermark = b.writeBufferHighWatermark;
    slowPeerTimeout = b.slowPeerTimeout;
    maxPendingMessages = b.maxPendingMessages;
    maxInboundConnections = b.maxInboundConnections;
    ioThreads = b.ioThreads;
    shutdownTimeout = b.shutdownTimeout;
    protocolVersion = b.protocolVersion;
  }

  /**
   * Starts a builder with every default.
   *
   * @param memberId the id this node presents in handshakes
   * @return a new builder
   */
  public static Builder builder(MemberId memberId) {
    return new Builder(memberId);
  }

  /** @return the cluster name; peers with another name are refused */
  public String clusterName() {
    return clusterName;
  }

  /** @return the member id presented in handshakes */
  public MemberId memberId() {
    return memberId;
  }

  /** @return the interface to listen on */
  public String bindHost() {
    return bindHost;
  }

  /** @return the TCP port to listen on; 0 for an ephemeral port */
  public int port() {
    return port;
  }

  /** @return the address announced to peers, when it differs from the bound one */
  public Optional<Address> advertisedAddress() {
    return Optional.ofNullable(advertisedAddress);
  }

  /** @return the largest frame accepted or sent, in bytes, length prefix excluded */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** @return a copy of the shared cluster secret, when authentication is on */
  public Optional<byte[]> secret() {
    return secret == null ? Optional.empty() : Optional.of(secret.clone());
  }

  /** @return the TLS settings, when TLS is on */
  public Optional<TlsConfig> tls() {
    return Optional.ofNullable(tls);
  }

  /** @return how long a connection has to complete its handshake */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** @return the TCP connect timeout */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** @return the time without writing after which a heartbeat is sent */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** @return the time without a complete inbound frame after which a connection is closed */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** @return the first reconnect delay */
  public Duration reconnectBackoffMin() {
    return reconnectBackoffMin;
  }

  /** @return the longest reconnect delay */
  public Duration reconnectBackoffMax() {
    return reconnectBackoffMax;
  }

  /** @return outbound bytes below which a connection is writable again */
  public int writeBufferLowWatermark() {
    return writeBufferLowWatermark;
  }

  /** @return outbound bytes above which sends to that peer fail fast */
  public int writeBufferHighWatermark() {
    return writeBufferHighWatermark;
  }

  /** @return how long a connection may stay over its high-water mark before it is closed */
  public Duration slowPeerTimeout() {
    return slowPeerTimeout;
  }

  /** @return the most messages queued per peer while connecting */
  public int maxPendingMessages() {
    return maxPendingMessages;
  }

  /** @return the most inbound connections at once */
  public int maxInboundConnections() {
    return maxInboundConnections;
  }

  /** @return the number of I/O threads, resolved when 0 was configured */
  public int ioThreads() {
    return ioThreads > 0 ? ioThreads : Math.min(4, Runtime.getRuntime().availableProcessors());
  }

  /** @return how long a shutdown waits for connections to flush and close */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** @return the protocol version announced in envelopes; {@link Envelope#CURRENT_VERSION} but in tests */
  public int protocolVersion() {
    return protocolVersion;
  }

  @Override
  public String toString() {
    return "TransportConfig[cluster=" + clusterName + ", member=" + memberId + ", bind=" + bindHost + ":" + port
        + ", advertised=" + advertisedAddress + ", maxFrameBytes=" + maxFrameBytes
        + ", secret=" + (secret == null ? "none" : "set") + ", tls=" + tls + "]";
  }

  /** Builds a {@link TransportConfig}; each setter documents its default. */
  public static final class Builder {
    private String clusterName = DEFAULT_CLUSTER_NAME;
    private final MemberId memberId;
    private String bindHost = DEFAULT_BIND_HOST;
    private int port = DEFAULT_PORT;
    private @Nullable Address advertisedAddress;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private byte @Nullable [] secret;
    private @Nullable TlsConfig tls;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration reconnectBackoffMin = DEFAULT_RECONNECT_BACKOFF_MIN;
    private Duration reconnectBackoffMax = DEFAULT_RECONNECT_BACKOFF_MAX;
    private int writeBufferLowWatermark = DEFAULT_WRITE_BUFFER_LOW_WATERMARK;
    private int writeBufferHighWatermark = DEFAULT_WRITE_BUFFER_HIGH_WATERMARK;
    private Duration slowPeerTimeout = DEFAULT_SLOW_PEER_TIMEOUT;
    private int maxPendingMessages = DEFAULT_MAX_PENDING_MESSAGES;
    private int maxInboundConnections = DEFAULT_MAX_INBOUND_CONNECTIONS;
    private int ioThreads = DEFAULT_IO_THREADS;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private int protocolVersion = Envelope.CURRENT_VERSION;

    private Builder(MemberId memberId) {
      this.memberId = Objects.requireNonNull(memberId, "memberId");
    }

    /** @param value cluster name (default {@value #DEFAULT_CLUSTER_NAME}) @return this builder */
    public Builder clusterName(String value) {
      clusterName = Objects.requireNonNull(value, "clusterName");
      return this;
    }

    /** @param value interface to bind (default {@value #DEFAULT_BIND_HOST}) @return this builder */
    public Builder bindHost(String value) {
      bindHost = Objects.requireNonNull(value, "bindHost");
      return this;
    }

    /** @param value TCP port, 0 for ephemeral (default {@value #DEFAULT_PORT}) @return this builder */
    public Builder port(int value) {
      port = value;
      return this;
    }

    /** @param value address announced to peers (default: the bound address) @return this builder */
    public Builder advertisedAddress(@Nullable Address value) {
      advertisedAddress = value;
      return this;
    }

    /** @param value largest frame in bytes, at least 1024 (default 16 MiB) @return this builder */
    public Builder maxFrameBytes(int value) {
      maxFrameBytes = value;
      return this;
    }

    /**
     * Turns on HMAC-SHA256 challenge-response authentication with a shared secret (default: off).
     *
     * @param value the secret, at least 16 bytes; null turns authentication off
     * @return this builder
     */
    public Builder secret(byte @Nullable [] value) {
      secret = value == null ? null : value.clone();
      return this;
    }

    /**
     * Same as {@link #secret(byte[])} with the UTF-8 bytes of a string.
     *
     * @param value the secret text; null turns authentication off
     * @return this builder
     */
    public Builder secret(@Nullable String value) {
      return secret(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** @param value TLS settings (default: plain TCP) @return this builder */
    public Builder tls(@Nullable TlsConfig value) {
      tls = value;
      return this;
    }

    /** @param value handshake deadline (default 5 s) @return this builder */
    public Builder handshakeTimeout(Duration value) {
      handshakeTimeout = Objects.requireNonNull(value, "handshakeTimeout");
      return this;
    }

    /** @param value TCP connect timeout (default 3 s) @return this builder */
    public Builder connectTimeout(Duration value) {
      connectTimeout = Objects.requireNonNull(value, "connectTimeout");
      return this;
    }

    /** @param value write-idle time before a heartbeat (default 1 s) @return this builder */
    public Builder heartbeatInterval(Duration value) {
      heartbeatInterval = Objects.requireNonNull(value, "heartbeatInterval");
      return this;
    }

    /** @param value read-idle time before a connection is closed (default 10 s) @return this builder */
    public Builder idleTimeout(Duration value) {
      idleTimeout = Objects.requireNonNull(value, "idleTimeout");
      return this;
    }

    /**
     * Sets the reconnect backoff (default 100 ms doubling to 10 s, with up to 20% random jitter).
     *
     * @param min the first delay
     * @param max the longest delay
     * @return this builder
     */
    public Builder reconnectBackoff(Duration min, Duration max) {
      reconnectBackoffMin = Objects.requireNonNull(min, "min");
      reconnectBackoffMax = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * Sets the per-connection outbound buffer marks (default 1 MiB and 4 MiB). Over the high mark,
     * sends to that peer fail fast with {@link BackpressureException}; under the low mark they are
     * accepted again.
     *
     * @param low the low-water mark in bytes
     * @param high the high-water mark in bytes
     * @return this builder
     */
    public Builder writeBufferWatermarks(int low, int high) {
      writeBufferLowWatermark = low;
      writeBufferHighWatermark = high;
      return this;
    }

    /** @param value time over the high mark before the connection is closed (default 10 s) @return this builder */
    public Builder slowPeerTimeout(Duration value) {
      slowPeerTimeout = Objects.requireNonNull(value, "slowPeerTimeout");
      return this;
    }

    /** @param value messages queued per peer while connecting (default 1024) @return this builder */
    public Builder maxPendingMessages(int value) {
      maxPendingMessages = value;
      return this;
    }

    /** @param value most inbound connections (default 4096) @return this builder */
    public Builder maxInboundConnections(int value) {
      maxInboundConnections = value;
      return this;
    }

    /** @param value I/O threads, 0 for one per core up to 4 (default 0) @return this builder */
    public Builder ioThreads(int value) {
      ioThreads = value;
      return this;
    }

    /** @param value how long shutdown waits to flush (default 5 s) @return this builder */
    public Builder shutdownTimeout(Duration value) {
      shutdownTimeout = Objects.requireNonNull(value, "shutdownTimeout");
      return this;
    }

    /**
     * Announces another protocol version. Only for tests of version negotiation: a node announcing a
     * version it does not speak is refused by every peer.
     *
     * @param value the version to announce
     * @return this builder
     */
    public Builder protocolVersionForTesting(int value) {
      protocolVersion = value;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the first invalid setting
     */
    public TransportConfig build() {
      require(!clusterName.isBlank(), "clusterName must not be blank");
      require(clusterName.getBytes(StandardCharsets.UTF_8).length <= 255,
          "clusterName must be at most 255 bytes of UTF-8");
      require(!bindHost.isBlank(), "bindHost must not be blank");
      require(port >= 0 && port <= 65535, "port must be 0..65535 but was " + port);
      // The upper bound keeps the length-prefixed frame (the decoder's limit) within an int.
      require(maxFrameBytes >= 1024 && maxFrameBytes <= Integer.MAX_VALUE - Envelope.LENGTH_PREFIX_SIZE,
          "maxFrameBytes must be 1024.." + (Integer.MAX_VALUE - Envelope.LENGTH_PREFIX_SIZE) + " but was "
              + maxFrameBytes);
      require(secret == null || secret.length >= 16,
          "secret must be at least 16 bytes; a shorter one is easy to guess");
      requirePositive("handshakeTimeout", handshakeTimeout);
      requirePositive("connectTimeout", connectTimeout);
      requirePositive("heartbeatInterval", heartbeatInterval);
      requirePositive("idleTimeout", idleTimeout);
      require(idleTimeout.compareTo(heartbeatInterval.multipliedBy(2)) >= 0,
          "idleTimeout (" + idleTimeout + ") must be at least twice heartbeatInterval (" + heartbeatInterval
              + "), or healthy idle connections would be closed");
      requirePositive("reconnectBackoff min", reconnectBackoffMin);
      require(reconnectBackoffMax.compareTo(reconnectBackoffMin) >= 0,
          "reconnectBackoff max (" + reconnectBackoffMax + ") must not be below min (" + reconnectBackoffMin + ")");
      require(writeBufferLowWatermark > 0 && writeBufferLowWatermark <= writeBufferHighWatermark,
          "writeBufferWatermarks need 0 < low <= high but were " + writeBufferLowWatermark + ", "
              + writeBufferHighWatermark);
      requirePositive("slowPeerTimeout", slowPeerTimeout);
      require(maxPendingMessages >= 1, "maxPendingMessages must be at least 1");
      require(maxInboundConnections >= 1, "maxInboundConnections must be at least 1");
      require(ioThreads >= 0, "ioThreads must be 0 (automatic) or more");
      require(!shutdownTimeout.isNegative(), "shutdownTimeout must not be negative");
      require(protocolVersion >= 0 && protocolVersion <= 255,
          "protocolVersionForTesting must be 0..255 (one byte) but was " + protocolVersion);
      return new TransportConfig(this);
    }

    private static void requirePositive(String name, Duration value) {
      require(!value.isNegative() && !value.isZero(), name + " must be positive but was " + value);
    }

    private static void require(boolean condition, String message) {
      if (!condition) {
        throw new IllegalArgumentException("invalid transport configuration: " + message);
      }
    }
  }
}
