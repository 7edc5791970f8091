package io.polis.raft;

/**
 * The leader's view of one member's log (Raft §5.3 nextIndex and matchIndex), with the flow-control
 * state etcd-raft uses: probing one message at a time until the logs are known to match, then
 * replicating optimistically up to the in-flight limits.
 */
final class Progress {

  /**
   * PROBE: one message at a time until the logs match; REPLICATE: pipelined; SNAPSHOT: the member needs
   * entries compacted away, so its driver streams it a snapshot and nothing else is sent until that ends.
   */
  enum State { PROBE, REPLICATE, SNAPSHOT }

  long match;
  long next;
  State state = State.PROBE;
  /** In PROBE: a message is out and no answer has come yet. */
  boolean probeSent;
  /** Leader tick at which this member last answered (for CheckQuorum). */
  long heardAtTick = Long.MIN_VALUE;
  /** Highest heartbeat round it acknowledged (for ReadIndex). */
  long ackedRound;
  /** Leader tick at which the newest heartbeat it acknowledged was sent (for lease reads). */
  long ackedSentTick = Long.MIN_VALUE;
  /** The highest commit index sent to this member, in an AppendRequest or a heartbeat ({@link #toldCommit}). */
  long commitSent;
  /** The last entry made from a proposal this member forwarded: it waits to apply that one itself. */
  long forwardedIndex;
  /** In SNAPSHOT: the index of the snapshot being sent. */
  long pendingSnapshot;
  final Inflights inflights;

  Progress(long next, int maxInflight, long maxInflightBytes) {
    this.next = next;
    this.inflights = new Inflights(maxInflight, maxInflightBytes);
  }

  /** The member was sent {@code commit} as the commit index. */
  void toldCommit(long commit) {
    commitSent = Math.max(commitSent, commit);
  }

  /** The commit index the member can use: no further than the entries it is known to hold. */
  long usableCommit(long committed) {
    return Math.min(match, committed);
  }

  /** Whether the member holds entries it has not been told are committed. */
  boolean lacksCommit(long committed) {
    return usableCommit(committed) > commitSent;
  }

  void becomeProbe() {
    // After a snapshot the member holds at least its index, whether or not it said so yet.
    next = state == State.SNAPSHOT ? Math.max(match + 1, pendingSnapshot + 1) : match + 1;
    state = State.PROBE;
    pendingSnapshot = 0;
    probeSent = false;
    inflights.reset();
  }

  void becomeReplicate() {
    state = State.REPLICATE;
    next = match + 1;
    pendingSnapshot = 0;
    inflights.reset();
  }

  void becomeSnapshot(long snapshotIndex) {
    state = State.SNAPSHOT;
    pendingSnapshot = snapshotIndex;
    probeSent = false;
    inflights.reset();
  }

  /** The transfer failed: probe again from where the member's log is known to match. */
  void snapshotFailed() {
    pendingSnapshot = 0;
    becomeProbe();
  }

  /** A success answer up to {@code index}; returns whether it told the leader anything new. */
  boolean maybeUpdate(long index) {
    boolean updated = index > match;
    if (updated) {
      match = index;
      probeSent = false;
    }
    next = Math.max(next, index + 1);
    return updated;
  }

  /**
   * A rejection of the message whose previous index was {@code rejected}; {@code hint} is where the logs
   * may match. Returns false for a stale rejection that must be ignored.
   */
  boolean maybeDecrTo(long rejected, long hint) {
    if (state == State.SNAPSHOT) {
      return false; // an answer to an append sent before the transfer began
    }
    if (rejected <= match) {
      return maybeLostEntries(rejected, hint);
    }
    if (state == State.REPLICATE) {
      next = match + 1;
      return true;
    }
    if (next - 1 != rejected) {
      // Not an answer to the probe out now. The next heartbeat answer unpauses the probe.
      return false;
    }
    next = Math.max(Math.min(rejected, hint + 1), match + 1);
    probeSent = false;
    return true;
  }

  /**
   * A rejection at or below {@code match}: the member once held the entry at {@code rejected}. etcd-raft
   * ignores every such rejection as stale, which assumes an acknowledged entry is never lost. It can be:
   * a store that finds a flipped bit in its last record cuts it off as a torn write on restart, and a
   * store that does not force every write loses its unforced tail in a crash. Such a member rejects
   * every append from {@code next}; ignoring that left it behind until the next leader change.
   *
   * <p>The member's log is then a prefix of what it acknowledged, so it matches this leader's log up to
   * its own end, and the hint (at most that end) is a safe match index. Lowering {@code match} only
   * undercounts: the commit index never goes down, and what is committed stays committed. (Until the
   * member is caught up, an entry its acknowledgement helped commit may be on fewer members than a
   * majority; this shortens that window but cannot close it: see protocol-aware recovery, Alagappan et
   * al., FAST '18.)
   *
   * <p>A reordered or duplicated rejection from before the member's acknowledgement looks the same, so
   * only a rejection of the message out now counts: {@code rejected == next - 1}. In REPLICATE that means
   * nothing beyond {@code match} is in flight, as for the empty append a heartbeat answer triggers or the
   * member's own report of a heartbeat claiming more than it holds. A stale one that passes costs one
   * probe, which a member holding its log answers in full. Each step lowers {@code match}, so a member
   * repeating itself cannot make the leader loop.
   */
  private boolean maybeLostEntries(long rejected, long hint) {
    if (rejected != next - 1 || hint >= match) {
      return false;
    }
    match = hint;
    becomeProbe();
    return true;
  }

  boolean isPaused() {
    switch (state) {
      case PROBE:
        return probeSent;
      case REPLICATE:
        return inflights.full();
      default:
        return true;
    }
  }

  void sent(long lastIndex, long bytes, boolean hadEntries) {
    if (state == State.REPLICATE) {
      if (hadEntries) {
        next = lastIndex + 1;
        inflights.add(lastIndex, bytes);
      }
    } else {
      probeSent = true;
    }
  }

  @Override
  public String toString() {
    return state + (state == State.SNAPSHOT ? "@" + pendingSnapshot : "") + " match=" + match + " next=" + next + (probeSent ? " paused" : "")
        + " inflight=" + inflights.count();
  }
}
