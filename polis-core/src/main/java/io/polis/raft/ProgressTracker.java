package io.polis.raft;

import io.polis.node.MemberId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The current configuration with the leader's per-member {@link Progress} and a candidate's vote tally.
 * Quorum arithmetic lives here and only here.
 */
final class ProgressTracker {

  enum VoteResult { PENDING, WON, LOST }

  private final MemberId self;
  private final RaftConfig config;
  private Configuration configuration;
  private final Map<MemberId, Progress> progress = new LinkedHashMap<>();
  private final Map<MemberId, Boolean> votes = new HashMap<>();

  ProgressTracker(MemberId self, RaftConfig config, Configuration configuration) {
    this.self = self;
    this.config = config;
    this.configuration = configuration;
  }

  Configuration configuration() {
    return configuration;
  }

  /**
   * Switches configuration. Members that leave keep their progress until {@link #forgetLeft()}: a leader
   * goes on replicating to them until the change commits, so they receive the entry that removes them
   * and stop campaigning. They count in no quorum meanwhile.
   */
  void reconfigure(Configuration next, long lastIndex) {
    configuration = next;
    for (MemberId id : next.members()) {
      progress.computeIfAbsent(id, k -> newProgress(lastIndex));
    }
  }

  /** Drops the progress of members no longer in the configuration: the change that removed them committed. */
  void forgetLeft() {
    progress.keySet().retainAll(configuration.members());
  }

  /** Starts afresh for a new term: every member probed from the end of the log. */
  void resetProgress(long lastIndex) {
    progress.clear();
    for (MemberId id : configuration.members()) {
      progress.put(id, newProgress(lastIndex));
    }
    votes.clear();
  }

  private Progress newProgress(long lastIndex) {
    return new Progress(lastIndex + 1, config.maxInflightMessages(), config.maxInflightBytes());
  }

  Progress progress(MemberId id) {
    return progress.get(id);
  }

  /** The members other than this one, voters and learners: whom a leader replicates to. */
  List<MemberId> peers() {
    List<MemberId> peers = new ArrayList<>(progress.size());
    for (MemberId id : progress.keySet()) {
      if (!id.equals(self)) {
        peers.add(id);
      }
    }
    return peers;
  }

  boolean isPromotable() {
    return configuration.isVoter(self);
  }

  /** Raft §5.3, §5.4: the highest index stored on a majority of voters. */
  long quorumMatch() {
    return quorumValue(p -> p.match);
  }

  /** The highest heartbeat round a majority acknowledged; this member counts as having seen {@code round}. */
  long quorumAckedRound(long round) {
    return quorumValue(p -> p.ackedRound, round);
  }

  /** The oldest send tick among the newest acknowledgements of a majority (for lease reads). */
  long quorumAckedSentTick(long now) {
    return quorumValue(p -> p.ackedSentTick, now);
  }

  private long quorumValue(java.util.function.ToLongFunction<Progress> value) {
    return quorumValue(value, Long.MIN_VALUE);
  }

  private long quorumValue(java.util.function.ToLongFunction<Progress> value, long selfValue) {
    int n = configuration.voters().size();
    if (n == 0) {
      return 0;
    }
    long[] values = new long[n];
    int i = 0;
    for (MemberId id : configuration.voters().keySet()) {
      Progress p = progress.get(id);
      values[i++] = id.equals(self) && selfValue != Long.MIN_VALUE ? selfValue : p == null ? 0 : value.applyAsLong(p);
    }
    Arrays.sort(values);
    // The majority-th largest value: a majority holds at least this much.
    return values[n - configuration.quorum()];
  }

  /** CheckQuorum: the tick by which a majority of voters had last been heard from; this member counts as now. */
  long quorumHeardTick(long now) {
    return quorumValue(p -> p.heardAtTick, now);
  }

  void resetVotes() {
    votes.clear();
  }

  void recordVote(MemberId id, boolean granted) {
    if (configuration.isVoter(id)) {
      votes.putIfAbsent(id, granted);
    }
  }

  VoteResult tally() {
    int granted = 0;
    int rejected = 0;
    for (Boolean v : votes.values()) {
      if (v) {
        granted++;
      } else {
        rejected++;
      }
    }
    int quorum = configuration.quorum();
    if (granted >= quorum) {
      return VoteResult.WON;
    }
    return configuration.voters().size() - rejected < quorum ? VoteResult.LOST : VoteResult.PENDING;
  }

  int votesGranted() {
    return (int) votes.values().stream().filter(v -> v).count();
  }

  int votesRejected() {
    return (int) votes.values().stream().filter(v -> !v).count();
  }
}
