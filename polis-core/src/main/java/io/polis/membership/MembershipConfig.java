package io.polis.membership;

import io.polis.wire.MemberUpdate;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable SWIM/Lifeguard settings. Build with {@link #builder()}; every setting has a
 * {@code DEFAULT_*} constant.
 *
 * <p>The defaults are tuned for a LAN or loopback: a crashed member of a five-node cluster is declared
 * down by every member within about 1.5 s, while a member that is merely slow (a GC pause, a loaded CPU)
 * has several probe periods to refute a suspicion, and Lifeguard's local health stretches the periods of
 * a node that itself misses deadlines. For a WAN, multiply the times.
 */
public final class MembershipConfig {

  /** Default time between two probes of this node (one member probed per period). */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(200);
  /** Default time to wait for a direct ack before asking other members to probe indirectly. */
  public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofMillis(80);
  /** Default number of members asked to probe indirectly (SWIM's k). */
  public static final int DEFAULT_INDIRECT_PROBES = 3;
  /** Default time between two gossip rounds (sent only when there is news). */
  public static final Duration DEFAULT_GOSSIP_INTERVAL = Duration.ofMillis(200);
  /** Default number of random members each gossip round sends the news to. */
  public static final int DEFAULT_GOSSIP_FANOUT = 3;
  /** Default multiplier of the minimum suspicion timeout: min = mult x max(1, log10 n) x probe interval. */
  public static final int DEFAULT_SUSPICION_MULTIPLIER = 3;
  /** Default ratio of the maximum to the minimum suspicion timeout (Lifeguard's beta). */
  public static final int DEFAULT_SUSPICION_MAX_MULTIPLIER = 2;
  /** Default multiplier of gossip retransmissions: each update is sent mult x ceil(log10(n + 1)) times. */
  public static final int DEFAULT_RETRANSMIT_MULTIPLIER = 4;
  /** Default most updates piggybacked on one message. */
  public static final int DEFAULT_MAX_PIGGYBACK = 16;
  /** Default time between two full-state exchanges with a random member. */
  public static final Duration DEFAULT_PUSH_PULL_INTERVAL = Duration.ofSeconds(10);
  /** Default time between two join attempts through the seeds. */
  public static final Duration DEFAULT_JOIN_RETRY_INTERVAL = Duration.ofSeconds(1);
  /** Default time a dead or departed member is remembered (so stale gossip cannot revive it). */
  public static final Duration DEFAULT_REAP_TIMEOUT = Duration.ofSeconds(30);
  /** Default ceiling of the Lifeguard local-health score; periods stretch up to (max + 1) times. */
  public static final int DEFAULT_MAX_LOCAL_HEALTH = 8;

  private final Duration probeInterval;
  private final Duration probeTimeout;
  private final int indirectProbes;
  private final Duration gossipInterval;
  private final int gossipFanout;
  private final int suspicionMultiplier;
  private final int suspicionMaxMultiplier;
  private final int retransmitMultiplier;
  private final int maxPiggyback;
  private final Duration pushPullInterval;
  private final Duration joinRetryInterval;
  private final Duration reapTimeout;
  private final int maxLocalHealth;
  private final Map<String, String> metadata;
  private final SeedProvider seeds;

  private MembershipConfig(Builder b) {
    probeInterval = b.probeInterval;
    probeTimeout = b.probeTimeout;
    indirectProbes = b.indirectProbes;
    gossipInterval = b.gossipInterval;
    gossipFanout = b.gossipFanout;
    suspicionMultiplier = b.suspicionMultiplier;
    suspicionMaxMultiplier = b.suspicionMaxMultiplier;
    retransmitMultiplier = b.retransmitMultiplier;
    maxPiggyback = b.maxPiggyback;
    pushPullInterval = b.pushPullInterval;
    joinRetryInterval = b.joinRetryInterval;
    reapTimeout = b.reapTimeout;
    maxLocalHealth = b.maxLocalHealth;
    metadata = b.metadata;
    seeds = b.seeds;
  }

  /** @return a builder with every default */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the time between probes */
  public Duration probeInterval() {
    return probeInterval;
  }

  /** @return the direct-ack wait before indirect probes */
  public Duration probeTimeout() {
    return probeTimeout;
  }

  /** @return the number of indirect probers (k) */
  public int indirectProbes() {
    return indirectProbes;
  }

  /** @return the time between gossip rounds */
  public Duration gossipInterval() {
    return gossipInterval;
  }

  /** @return the members each gossip round reaches */
  public int gossipFanout() {
    return gossipFanout;
  }

  /** @return the minimum suspicion timeout multiplier */
  public int suspicionMultiplier() {
    return suspicionMultiplier;
  }

  /** @return the ratio of maximum to minimum suspicion timeout */
  public int suspicionMaxMultiplier() {
    return suspicionMaxMultiplier;
  }

  /** @return the gossip retransmission multiplier */
  public int retransmitMultiplier() {
    return retransmitMultiplier;
  }

  /** @return the most updates piggybacked per message */
  public int maxPiggyback() {
    return maxPiggyback;
  }

  /** @return the time between full-state exchanges */
  public Duration pushPullInterval() {
    return pushPullInterval;
  }

  /** @return the time between join attempts */
  public Duration joinRetryInterval() {
    return joinRetryInterval;
  }

  /** @return how long dead and departed members are remembered */
  public Duration reapTimeout() {
    return reapTimeout;
  }

  /** @return the ceiling of the local-health score */
  public int maxLocalHealth() {
    return maxLocalHealth;
  }

  /** @return this node's initial metadata */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** @return where this node looks for the cluster */
  public SeedProvider seeds() {
    return seeds;
  }

  /** Builds a {@link MembershipConfig}. */
  public static final class Builder {
    private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
    private Duration probeTimeout = DEFAULT_PROBE_TIMEOUT;
    private int indirectProbes = DEFAULT_INDIRECT_PROBES;
    private Duration gossipInterval = DEFAULT_GOSSIP_INTERVAL;
    private int gossipFanout = DEFAULT_GOSSIP_FANOUT;
    private int suspicionMultiplier = DEFAULT_SUSPICION_MULTIPLIER;
    private int suspicionMaxMultiplier = DEFAULT_SUSPICION_MAX_MULTIPLIER;
    private int retransmitMultiplier = DEFAULT_RETRANSMIT_MULTIPLIER;
    private int maxPiggyback = DEFAULT_MAX_PIGGYBACK;
    private Duration pushPullInterval = DEFAULT_PUSH_PULL_INTERVAL;
    private Duration joinRetryInterval = DEFAULT_JOIN_RETRY_INTERVAL;
    private Duration reapTimeout = DEFAULT_REAP_TIMEOUT;
    private int maxLocalHealth = DEFAULT_MAX_LOCAL_HEALTH;
    private Map<String, String> metadata = Map.of();
    private SeedProvider seeds = SeedProvider.of(java.util.List.of());

    private Builder() {}

    /** @param value time between probes (default 200 ms) @return this builder */
    public Builder probeInterval(Duration value) {
      probeInterval = Objects.requireNonNull(value, "probeInterval");
      return this;
    }

    /** @param value direct-ack wait (default 80 ms) @return this builder */
    public Builder probeTimeout(Duration value) {
      probeTimeout = Objects.requireNonNull(value, "probeTimeout");
      return this;
    }

    /** @param value indirect probers per failed probe (default 3) @return this builder */
    public Builder indirectProbes(int value) {
      indirectProbes = value;
      return this;
    }

    /**
     * Sets the gossip rounds (default every 200 ms to 3 random members, only when there is news).
     *
     * @param interval the time between rounds
     * @param fanout the members each round reaches
     * @return this builder
     */
    public Builder gossip(Duration interval, int fanout) {
      gossipInterval = Objects.requireNonNull(interval, "interval");
      gossipFanout = fanout;
      return this;
    }

    /**
     * Sets the suspicion timeout: min = multiplier x max(1, log10 n) x probe interval, max = maxMultiplier
     * x min (defaults 3 and 2).
     *
     * @param multiplier the minimum's multiplier
     * @param maxMultiplier the ratio of maximum to minimum
     * @return this builder
     */
    public Builder suspicion(int multiplier, int maxMultiplier) {
      suspicionMultiplier = multiplier;
      suspicionMaxMultiplier = maxMultiplier;
      return this;
    }

    /** @param value gossip retransmission multiplier (default 4) @return this builder */
    public Builder retransmitMultiplier(int value) {
      retransmitMultiplier = value;
      return this;
    }

    /** @param value updates piggybacked per message (default 16) @return this builder */
    public Builder maxPiggyback(int value) {
      maxPiggyback = value;
      return this;
    }

    /** @param value time between full-state exchanges (default 10 s) @return this builder */
    public Builder pushPullInterval(Duration value) {
      pushPullInterval = Objects.requireNonNull(value, "pushPullInterval");
      return this;
    }

    /** @param value time between join attempts (default 1 s) @return this builder */
    public Builder joinRetryInterval(Duration value) {
      joinRetryInterval = Objects.requireNonNull(value, "joinRetryInterval");
      return this;
    }

    /** @param value how long dead members are remembered (default 30 s) @return this builder */
    public Builder reapTimeout(Duration value) {
      reapTimeout = Objects.requireNonNull(value, "reapTimeout");
      return this;
    }

    /** @param value local-health ceiling (default 8) @return this builder */
    public Builder maxLocalHealth(int value) {
      maxLocalHealth = value;
      return this;
    }

    /** @param value this node's initial metadata (default none) @return this builder */
    public Builder metadata(Map<String, String> value) {
      metadata = MemberUpdate.checkMetadata(value);
      return this;
    }

    /** @param value where to look for the cluster (default: nowhere; the node starts alone) @return this builder */
    public Builder seeds(SeedProvider value) {
      seeds = Objects.requireNonNull(value, "seeds");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the first invalid setting
     */
    public MembershipConfig build() {
      positive("probeInterval", probeInterval);
      positive("probeTimeout", probeTimeout);
      require(probeTimeout.compareTo(probeInterval) < 0, "probeTimeout (" + probeTimeout
          + ") must be shorter than probeInterval (" + probeInterval + ") to leave time for indirect probes");
      require(indirectProbes >= 0, "indirectProbes must not be negative");
      positive("gossipInterval", gossipInterval);
      require(gossipFanout >= 0, "gossipFanout must not be negative");
      require(suspicionMultiplier >= 1, "suspicion multiplier must be at least 1");
      require(suspicionMaxMultiplier >= 1, "suspicion max multiplier must be at least 1");
      require(retransmitMultiplier >= 1, "retransmitMultiplier must be at least 1");
      require(maxPiggyback >= 1 && maxPiggyback <= io.polis.wire.SwimMessage.MAX_GOSSIP,
          "maxPiggyback must be 1.." + io.polis.wire.SwimMessage.MAX_GOSSIP);
      positive("pushPullInterval", pushPullInterval);
      positive("joinRetryInterval", joinRetryInterval);
      positive("reapTimeout", reapTimeout);
      require(maxLocalHealth >= 0, "maxLocalHealth must not be negative");
      return new MembershipConfig(this);
    }

    private static void positive(String name, Duration value) {
      require(!value.isNegative() && !value.isZero(), name + " must be positive but was " + value);
    }

    private static void require(boolean condition, String message) {
      if (!condition) {
        throw new IllegalArgumentException("invalid membership configuration: " + message);
      }
    }
  }
}
