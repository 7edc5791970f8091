package io.polis.raft;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a {@link FileRaftStorage}.
 *
 * @param segmentBytes size at which the log starts a new segment file; a segment holds whole saves, so
 *     it may exceed this by the size of the save that crossed it
 * @param syncPolicy when appended entries are forced to the disk
 * @param syncInterval for {@link SyncPolicy#INTERVAL}, the longest time between forces of the log; for
 *     every policy but {@link SyncPolicy#NEVER}, also the longest time a hard state whose only change is
 *     its commit index waits before it is written
 * @param cacheBytes how many bytes of the newest entries ({@link io.polis.wire.LogEntry#sizeInBytes()})
 *     stay in memory so that a leader replicating what it just saved reads no file; 0 disables the cache
 * @param preallocateBytes how far ahead of its records a segment file is filled with zeros. A force of a
 *     file that grew must also make its new size durable, which on ext4 and most journaling file systems
 *     commits the journal, shared with every other file on the disk; writing into bytes that already exist
 *     needs only the data flushed. So saves write into zeros, and one save in this many bytes extends the
 *     file (that save's force also flushes the zeros). Default 1 MiB; 0 lets the file grow with each save.
 *     A crash that tears a record written into the zeros leaves a disk sector of it reading as zeros,
 *     which the open scan takes for a torn write (cut off), not for damage to a record that may have been
 *     acknowledged
 */
public record FileStorageConfig(long segmentBytes, SyncPolicy syncPolicy, Duration syncInterval, long cacheBytes,
    long preallocateBytes) {

  /** Default {@link #segmentBytes()}: 64 MiB. */
  public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
  /** Default {@link #syncPolicy()}: {@link SyncPolicy#ALWAYS}. */
  public static final SyncPolicy DEFAULT_SYNC_POLICY = SyncPolicy.ALWAYS;
  /** Default {@link #syncInterval()}: 10 ms. */
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(10);
  /** Default {@link #cacheBytes()}: 4 MiB. */
  public static final long DEFAULT_CACHE_BYTES = 4L << 20;
  /** Default {@link #preallocateBytes()}: 1 MiB. */
  public static final long DEFAULT_PREALLOCATE_BYTES = 1L << 20;
  /** Smallest {@link #segmentBytes()} accepted; tiny segments exist to exercise rolling in tests. */
  public static final long MIN_SEGMENT_BYTES = 64;
  /** Largest {@link #segmentBytes()} accepted, so that a segment's offsets stay far from 2 GiB reads. */
  public static final long MAX_SEGMENT_BYTES = 1L << 30;

  /**
   * When the log is forced to the disk. Whatever the policy, a hard state that changes the term or the
   * vote is written and forced before {@link FileRaftStorage#save} returns: a vote forgotten in a machine
   * crash lets the member vote again in the same term, and two leaders can be elected.
   */
  public enum SyncPolicy {
    /**
     * Every {@link FileRaftStorage#save} forces what it wrote before it returns: an acknowledged entry is
     * on the disk. One save costs one force however many entries it holds (group commit).
     */
    ALWAYS,
    /**
     * A save forces the log only when the last force is older than {@link #syncInterval()}; the driver
     * should also call {@link FileRaftStorage#sync()} from a timer so that a quiet log is forced too. A
     * process crash loses nothing (the writes are in the operating system), but a machine crash or power
     * loss can lose up to the interval's worth of entries this member acknowledged (and bring back a
     * suffix it truncated in that time). Raft counts those acknowledgements towards commitment, so a
     * committed entry can be lost if a majority crash together. A vote is not at risk: a change of term or
     * vote is forced whatever the policy.
     */
    INTERVAL,
    /**
     * The log is forced only by {@link FileRaftStorage#sync()} and {@link FileRaftStorage#close()}. A
     * machine crash can lose any amount of acknowledged entries. For tests and benchmarks only.
     */
    NEVER
  }

  /** Validates the settings. */
  public FileStorageConfig {
    if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
      throw new IllegalArgumentException("segmentBytes must be between " + MIN_SEGMENT_BYTES + " and "
          + MAX_SEGMENT_BYTES + ", was " + segmentBytes);
    }
    Objects.requireNonNull(syncPolicy, "syncPolicy");
    Objects.requireNonNull(syncInterval, "syncInterval");
    if (syncInterval.isNegative() || syncInterval.isZero()) {
      throw new IllegalArgumentException("syncInterval must be positive, was " + syncInterval);
    }
    if (cacheBytes < 0) {
      throw new IllegalArgumentException("cacheBytes must not be negative, was " + cacheBytes);
    }
    if (preallocateBytes < 0 || preallocateBytes > MAX_SEGMENT_BYTES) {
      throw new IllegalArgumentException("preallocateBytes must be between 0 and " + MAX_SEGMENT_BYTES + ", was "
          + preallocateBytes);
    }
  }

  /**
   * Returns the defaults: 64 MiB segments, {@link SyncPolicy#ALWAYS}, 10 ms interval, 4 MiB cache, 1 MiB
   * written ahead.
   *
   * @return the default settings
   */
  public static FileStorageConfig defaults() {
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

  /** Builds a {@link FileStorageConfig}; every setting starts at its default. */
  public static final class Builder {
    private long segmentBytes = DEFAULT_SEGMENT_BYTES;
    private SyncPolicy syncPolicy = DEFAULT_SYNC_POLICY;
    private Duration syncInterval = DEFAULT_SYNC_INTERVAL;
    private long cacheBytes = DEFAULT_CACHE_BYTES;
    private long preallocateBytes = DEFAULT_PREALLOCATE_BYTES;

    private Builder() {}

    /** @param bytes see {@link FileStorageConfig#segmentBytes()} @return this builder */
    public Builder segmentBytes(long bytes) {
      this.segmentBytes = bytes;
      return this;
    }

    /** @param policy see {@link FileStorageConfig#syncPolicy()} @return this builder */
    public Builder syncPolicy(SyncPolicy policy) {
      this.syncPolicy = policy;
      return this;
    }

    /** @param interval see {@link FileStorageConfig#syncInterval()} @return this builder */
    public Builder syncInterval(Duration interval) {
      this.syncInterval = interval;
      return this;
    }

    /** @param bytes see {@link FileStorageConfig#cacheBytes()} @return this builder */
    public Builder cacheBytes(long bytes) {
      this.cacheBytes = bytes;
      return this;
    }

    /** @param bytes see {@link FileStorageConfig#preallocateBytes()} @return this builder */
    public Builder preallocateBytes(long bytes) {
      this.preallocateBytes = bytes;
      return this;
    }

    /**
     * Validates and builds the settings.
     *
     * @return the settings
     * @throws IllegalArgumentException if a setting is out of range
     */
    public FileStorageConfig build() {
      return new FileStorageConfig(segmentBytes, syncPolicy, syncInterval, cacheBytes, preallocateBytes);
    }
  }
}
