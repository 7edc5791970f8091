package io.polis.spring.boot.autoconfigure;

import io.polis.membership.MembershipConfig;
import io.polis.transport.TransportConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Configuration properties of a Polis cluster member, under {@code polis}. */
@ConfigurationProperties("polis")
public class PolisProperties {

  /** Whether this application joins a Polis cluster. */
  private boolean enabled = true;

  /** Name of the cluster; members with another name are refused at the handshake. */
  private String clusterName = TransportConfig.DEFAULT_CLUSTER_NAME;

  /** Network interface to listen on. */
  private String bindHost = TransportConfig.DEFAULT_BIND_HOST;

  /** TCP port for cluster traffic; 0 picks a free port. */
  private int port = TransportConfig.DEFAULT_PORT;

  /**
   * Address (host:port) other members use to reach this one, when it differs from the bound one, e.g.
   * behind NAT or when binding to all interfaces.
   */
  private @Nullable String advertisedAddress;

  /**
   * Shared secret of the cluster, at least 16 bytes. When set, members prove they know it with an
   * HMAC-SHA256 challenge-response before any other message is read.
   */
  private @Nullable String secret;

  /** Largest frame accepted or sent. */
  private DataSize maxFrameSize = DataSize.ofBytes(TransportConfig.DEFAULT_MAX_FRAME_BYTES);

  /** Time a new connection has to complete its handshake. */
  private Duration handshakeTimeout = TransportConfig.DEFAULT_HANDSHAKE_TIMEOUT;

  /** Time without writing after which a heartbeat is sent on a connection. */
  private Duration heartbeatInterval = TransportConfig.DEFAULT_HEARTBEAT_INTERVAL;

  /** Time without any frame after which a connection is closed as dead. */
  private Duration idleTimeout = TransportConfig.DEFAULT_IDLE_TIMEOUT;

  /**
   * Addresses (host:port) of members to join through; may include this member's own. Empty: start a
   * cluster of one and wait for others to join.
   */
  private List<String> seeds = new ArrayList<>();

  /** Metadata this member announces to the others, e.g. zone or version. */
  private Map<String, String> metadata = new LinkedHashMap<>();

  /**
   * Directory where this member keeps its identity (and, later, its log). Without one, the member is new
   * at every start.
   */
  private @Nullable Path dataDir;

  /** TLS for cluster traffic. */
  private final Tls tls = new Tls();

  /** Failure detection and gossip. */
  private final Membership membership = new Membership();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getClusterName() {
    return clusterName;
  }

  public void setClusterName(String clusterName) {
    this.clusterName = clusterName;
  }

  public String getBindHost() {
    return bindHost;
  }

  public void setBindHost(String bindHost) {
    this.bindHost = bindHost;
  }

  public int getPort() {
    return port;
  }

  public void setPort(int port) {
    this.port = port;
  }

  public @Nullable String getAdvertisedAddress() {
    return advertisedAddress;
  }

  public void setAdvertisedAddress(@Nullable String advertisedAddress) {
    this.advertisedAddress = advertisedAddress;
  }

  public @Nullable String getSecret() {
    return secret;
  }

  public void setSecret(@Nullable String secret) {
    this.secret = secret;
  }

  public DataSize getMaxFrameSize() {
    return maxFrameSize;
  }

  public void setMaxFrameSize(DataSize maxFrameSize) {
    this.maxFrameSize = maxFrameSize;
  }

  public Duration getHandshakeTimeout() {
    return handshakeTimeout;
  }

  public void setHandshakeTimeout(Duration handshakeTimeout) {
    this.handshakeTimeout = handshakeTimeout;
  }

  public Duration getHeartbeatInterval() {
    return heartbeatInterval;
  }

  public void setHeartbeatInterval(Duration heartbeatInterval) {
    this.heartbeatInterval = heartbeatInterval;
  }

  public Duration getIdleTimeout() {
    return idleTimeout;
  }

  public void setIdleTimeout(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  public Tls getTls() {
    return tls;
  }

  public List<String> getSeeds() {
    return seeds;
  }

  public void setSeeds(List<String> seeds) {
    this.seeds = seeds;
  }

  public Map<String, String> getMetadata() {
    return metadata;
  }

  public void setMetadata(Map<String, String> metadata) {
    this.metadata = metadata;
  }

  public @Nullable Path getDataDir() {
    return dataDir;
  }

  public void setDataDir(@Nullable Path dataDir) {
    this.dataDir = dataDir;
  }

  public Membership getMembership() {
    return membership;
  }

  /** SWIM failure-detection settings. */
  public static class Membership {

    /** Time between two probes of this member (one other member probed per period). */
    private Duration probeInterval = MembershipConfig.DEFAULT_PROBE_INTERVAL;

    /** Time to wait for a direct ack before asking other members to probe indirectly. */
    private Duration probeTimeout = MembershipConfig.DEFAULT_PROBE_TIMEOUT;

    /** Number of members asked to probe indirectly when a direct probe fails. */
    private int indirectProbes = MembershipConfig.DEFAULT_INDIRECT_PROBES;

    /** Multiplier of the minimum suspicion timeout: multiplier x max(1, log10 n) x probe interval. */
    private int suspicionMultiplier = MembershipConfig.DEFAULT_SUSPICION_MULTIPLIER;

    /** Ratio of the maximum to the minimum suspicion timeout. */
    private int suspicionMaxMultiplier = MembershipConfig.DEFAULT_SUSPICION_MAX_MULTIPLIER;

    /** Time between two full-state exchanges with a random member. */
    private Duration pushPullInterval = MembershipConfig.DEFAULT_PUSH_PULL_INTERVAL;

    /** Time a dead or departed member is remembered. */
    private Duration reapTimeout = MembershipConfig.DEFAULT_REAP_TIMEOUT;

    public Duration getProbeInterval() {
      return probeInterval;
    }

    public void setProbeInterval(Duration probeInterval) {
      this.probeInterval = probeInterval;
    }

    public Duration getProbeTimeout() {
      return probeTimeout;
    }

    public void setProbeTimeout(Duration probeTimeout) {
      this.probeTimeout = probeTimeout;
    }

    public int getIndirectProbes() {
      return indirectProbes;
    }

    public void setIndirectProbes(int indirectProbes) {
      this.indirectProbes = indirectProbes;
    }

    public int getSuspicionMultiplier() {
      return suspicionMultiplier;
    }

    public void setSuspicionMultiplier(int suspicionMultiplier) {
      this.suspicionMultiplier = suspicionMultiplier;
    }

    public int getSuspicionMaxMultiplier() {
      return suspicionMaxMultiplier;
    }

    public void setSuspicionMaxMultiplier(int suspicionMaxMultiplier) {
      this.suspicionMaxMultiplier = suspicionMaxMultiplier;
    }

    public Duration getPushPullInterval() {
      return pushPullInterval;
    }

    public void setPushPullInterval(Duration pushPullInterval) {
      this.pushPullInterval = pushPullInterval;
    }

    public Duration getReapTimeout() {
      return reapTimeout;
    }

    public void setReapTimeout(Duration reapTimeout) {
      this.reapTimeout = reapTimeout;
    }
  }

  /** TLS settings; PEM files. */
  public static class Tls {

    /** Whether cluster traffic is encrypted with TLS. */
    private boolean enabled;

    /** PEM file with this member's certificate chain. */
    private @Nullable Path certificateChain;

    /** PEM file with the PKCS#8 private key of the certificate. */
    private @Nullable Path privateKey;

    /** Password of the private key, when it is encrypted. */
    private @Nullable String privateKeyPassword;

    /** PEM file with the certificates (usually the cluster's CA) that peers' certificates must chain to. */
    private @Nullable Path trustedCertificates;

    /** Whether connecting members must present a trusted certificate too (mutual TLS). */
    private boolean requireClientAuth = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable Path getCertificateChain() {
      return certificateChain;
    }

    public void setCertificateChain(@Nullable Path certificateChain) {
      this.certificateChain = certificateChain;
    }

    public @Nullable Path getPrivateKey() {
      return privateKey;
    }

    public void setPrivateKey(@Nullable Path privateKey) {
      this.privateKey = privateKey;
    }

    public @Nullable String getPrivateKeyPassword() {
      return privateKeyPassword;
    }

    public void setPrivateKeyPassword(@Nullable String privateKeyPassword) {
      this.privateKeyPassword = privateKeyPassword;
    }

    public @Nullable Path getTrustedCertificates() {
      return trustedCertificates;
    }

    public void setTrustedCertificates(@Nullable Path trustedCertificates) {
      this.trustedCertificates = trustedCertificates;
    }

    public boolean isRequireClientAuth() {
      return requireClientAuth;
    }

    public void setRequireClientAuth(boolean requireClientAuth) {
      this.requireClientAuth = requireClientAuth;
    }
  }
}
