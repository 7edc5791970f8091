package io.polis.raft;

import java.util.Objects;

/**
 * Immutable settings of a Raft core, in ticks and bytes. The driver decides how long a tick is.
 *
 * @param electionTicks the base election timeout: a follower that hears no leader for a random number of
 *     ticks in {@code [electionTicks, 2 * electionTicks)} campaigns; a leader that has not heard from a
 *     majority for {@code electionTicks} steps down (CheckQuorum)
 * @param heartbeatTicks ticks between a leader's heartbeats; less than {@code electionTicks}
 * @param maxEntriesBytesPerMessage soft cap on the entry bytes in one AppendRequest
 * @param maxInflightMessages most AppendRequests in flight to one follower
 * @param maxInflightBytes most entry bytes in flight to one follower
 * @param preVote whether a member first asks whether it could win before disrupting a term (thesis §9.6)
 * @param checkQuorum whether a leader steps down when it loses contact with a majority, and followers
 *     ignore vote requests while they hear a leader
 * @param readMode how linearizable reads are confirmed
 * @param leaseTicks for {@link ReadMode#LEASE}: how long a majority's acknowledgement counts as proof of
 *     leadership; must be less than {@code electionTicks} so the lease ends before anyone can elect
 *     another leader
 * @param announceCommitAtOnce whether a leader sends every advance of its commit index to every follower
 *     at once (a round of empty AppendRequests and their answers per commit), rather than on the next
 *     AppendRequest or heartbeat and at the latest on its next tick; members waiting on the index (for a
 *     proposal they forwarded, or a read) are told at once either way
 */
public record RaftConfig(int electionTicks, int heartbeatTicks, long maxEntriesBytesPerMessage,
    int maxInflightMessages, long maxInflightBytes, boolean preVote, boolean checkQuorum, ReadMode readMode,
    int leaseTicks, boolean announceCommitAtOnce) {

  /**
   * Default {@link #electionTicks()}: 30, which with the driver's default 5 ms tick means election
   * timeouts of 160-305 ms (chosen from measurements, see docs/benchmarks.md). Many short ticks rather
   * than a few long ones: two followers that draw the same number of ticks campaign at the same moment
   * and split the vote, so the finer the draw, the rarer that is.
   */
  public static final int DEFAULT_ELECTION_TICKS = 30;
  /** Default {@link #heartbeatTicks()}: 10, so a leader has three heartbeats to miss before anyone campaigns. */
  public static final int DEFAULT_HEARTBEAT_TICKS = 10;
  /** Default {@link #maxEntriesBytesPerMessage()}: 1 MiB. */
  public static final long DEFAULT_MAX_ENTRIES_BYTES_PER_MESSAGE = 1L << 20;
  /** Default {@link #maxInflightMessages()}. */
  public static final int DEFAULT_MAX_INFLIGHT_MESSAGES = 256;
  /** Default {@link #maxInflightBytes()}: 32 MiB. */
  public static final long DEFAULT_MAX_INFLIGHT_BYTES = 32L << 20;

  /** How a leader confirms it still leads before answering a linearizable read. */
  public enum ReadMode {
    /** A heartbeat round acknowledged by a majority (ReadIndex). Safe whatever the clocks do. */
    SAFE,
    /**
     * A majority acknowledged a heartbeat sent less than {@code leaseTicks} ago. No round trip, but
     * relies on tick rates across members not drifting apart by more than the margin to the timeout.
     * A member that starts grants no vote during its first election timeout, since it may have
     * acknowledged a heartbeat just before it went down; a group elects no leader sooner than that.
     */
    LEASE
  }

  /** Validates the settings. */
  public RaftConfig {
    if (electionTicks < 2) {
      throw new IllegalArgumentException("electionTicks must be at least 2, was " + electionTicks);
    }
    if (heartbeatTicks < 1 || heartbeatTicks >= electionTicks) {
      throw new IllegalArgumentException("heartbeatTicks must be at least 1 and less than electionTicks ("
          + electionTicks + "), was " + heartbeatTicks);
    }
    if (maxEntriesBytesPerMessage < 1 || maxInflightMessages < 1 || maxInflightBytes < 1) {
      throw new IllegalArgumentException("message and in-flight limits must be positive");
    }
    Objects.requireNonNull(readMode, "readMode");
    if (readMode == ReadMode.LEASE && (!checkQuorum || leaseTicks < 1 || leaseTicks >= electionTicks)) {
      throw new IllegalArgumentException("lease reads need checkQuorum and 1 <= leaseTicks < electionTicks ("
          + electionTicks + "), leaseTicks was " + leaseTicks);
    }
  }

  /**
   * Returns the defaults: 30 election ticks, 10 heartbeat ticks, PreVote and CheckQuorum on, safe reads,
   * the commit index announced with the next message or tick.
   *
   * @return the default configuration
   */
  public static RaftConfig defaults() {
    return builder().build();
  }

  /**
   * Starts a builder holding the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RaftConfig}; every setting starts at its default. */
  public static final class Builder {
    private int electionTicks = DEFAULT_ELECTION_TICKS;
    private int heartbeatTicks = DEFAULT_HEARTBEAT_TICKS;
    private long maxEntriesBytesPerMessage = DEFAULT_MAX_ENTRIES_BYTES_PER_MESSAGE;
    private int maxInflightMessages = DEFAULT_MAX_INFLIGHT_MESSAGES;
    private long maxInflightBytes = DEFAULT_MAX_INFLIGHT_BYTES;
    private boolean preVote = true;
    private boolean checkQuorum = true;
    private ReadMode readMode = ReadMode.SAFE;
    private int leaseTicks = -1;
    private boolean announceCommitAtOnce;

    private Builder() {}

    /** @param ticks see {@link RaftConfig#electionTicks()} @return this builder */
    public Builder electionTicks(int ticks) {
      this.electionTicks = ticks;
      return this;
    }

    /** @param ticks see {@link RaftConfig#heartbeatTicks()} @return this builder */
    public Builder heartbeatTicks(int ticks) {
      this.heartbeatTicks = ticks;
      return this;
    }

    /** @param bytes see {@link RaftConfig#maxEntriesBytesPerMessage()} @return this builder */
    public Builder maxEntriesBytesPerMessage(long bytes) {
      this.maxEntriesBytesPerMessage = bytes;
      return this;
    }

    /** @param count see {@link RaftConfig#maxInflightMessages()} @return this builder */
    public Builder maxInflightMessages(int count) {
      this.maxInflightMessages = count;
      return this;
    }

    /** @param bytes see {@link RaftConfig#maxInflightBytes()} @return this builder */
    public Builder maxInflightBytes(long bytes) {
      this.maxInflightBytes = bytes;
      return this;
    }

    /** @param enabled see {@link RaftConfig#preVote()} @return this builder */
    public Builder preVote(boolean enabled) {
      this.preVote = enabled;
      return this;
    }

    /** @param enabled see {@link RaftConfig#checkQuorum()} @return this builder */
    public Builder checkQuorum(boolean enabled) {
      this.checkQuorum = enabled;
      return this;
    }

    /**
     * Sends each new commit index to every follower at once instead of with the next message or tick:
     * followers apply sooner when writes are sparse, at the price of a round of messages per commit,
     * which on a loaded machine delays the next write (measured in docs/benchmarks.md).
     *
     * @param enabled see {@link RaftConfig#announceCommitAtOnce()}
     * @return this builder
     */
    public Builder announceCommitAtOnce(boolean enabled) {
      this.announceCommitAtOnce = enabled;
      return this;
    }

    /**
     * Chooses lease reads with the given lease.
     *
     * @param ticks see {@link RaftConfig#leaseTicks()}
     * @return this builder
     */
    public Builder leaseReads(int ticks) {
      this.readMode = ReadMode.LEASE;
      this.leaseTicks = ticks;
      return this;
    }

    /**
     * Builds and validates.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the first invalid setting
     */
    public RaftConfig build() {
      return new RaftConfig(electionTicks, heartbeatTicks, maxEntriesBytesPerMessage, maxInflightMessages,
          maxInflightBytes, preVote, checkQuorum, readMode, readMode == ReadMode.LEASE ? leaseTicks : 0,
          announceCommitAtOnce);
    }
  }
}
