package io.polis.raft;

import io.polis.node.MemberId;
import io.polis.wire.ForwardedProposal;
import io.polis.wire.LogEntry;
import io.polis.wire.RaftMessage;
import io.polis.wire.ReadIndexRequest;
import io.polis.wire.VoteRequest;
import io.polis.wire.VoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's Raft state machine, pure: {@link #tick()}, {@link #step}, {@link #propose},
 * {@link #readIndex} in; {@link #ready()} out. Not thread-safe; its driver owns it.
 *
 * <p>It implements Figure 2 of the Raft paper plus PreVote and CheckQuorum (thesis §9.6), a no-op entry on
 * election, pipelined and flow-controlled replication with fast back-tracking, ReadIndex and lease reads
 * (§6.4), leadership transfer (§3.10), learners and single-server membership changes (§4.1).
 */
public final class RaftCore {

  private static final Logger log = LoggerFactory.getLogger(RaftCore.class);

  /**
   * Highest term accepted from a peer. Real terms grow by one per election and never come near it; a
   * larger one is garbage or hostile, and accepting it would let the next campaign overflow.
   */
  static final long MAX_TERM = 1L << 62;

  final MemberId id;
  final String group;
  final RaftConfig config;
  final RaftLog raftLog;
  final ProgressTracker tracker;
  final ConfigHistory configs;
  private final RandomGenerator random;

  long term;
  boolean eligible = true;
  @Nullable MemberId vote;
  @Nullable MemberId lead;
  RoleBehavior behavior;
  int electionElapsed;
  int randomizedElectionTimeout;
  long tickCount;

  /** The newest snapshot the driver holds durably, sent to members that need compacted entries. */
  @Nullable SnapshotMeta latestSnapshot;
  final List<MemberId> snapshotTargets = new ArrayList<>();
  final List<Outbound> outbox = new ArrayList<>();
  final List<ReadState> readStates = new ArrayList<>();
  private HardState savedHardState;
  /** An entry this member may have acknowledged and lost when its log was opened; see {@link HardState.LostEntry}. */
  HardState.@Nullable LostEntry lostEntry;
  /**
   * The last index known durable in this member's storage: all of the stored log after a save, less after
   * a leader's {@link #advanceWritten}. A new leader counts its own log only up to here.
   */
  private long durableIndex;

  /**
   * Creates a core over a storage that may already hold state (a restart).
   *
   * @param id this member
   * @param group the group's name, carried in every message
   * @param config the settings
   * @param storage the member's log and hard state; read here, written only by the driver
   * @param initial the configuration to use until the log holds one (the bootstrap voters, or
   *     {@link Configuration#EMPTY} for a member waiting to be added)
   * @param random the source of election timeout jitter
   */
  public RaftCore(MemberId id, String group, RaftConfig config, RaftStorage storage, Configuration initial,
      RandomGenerator random) {
    this(id, group, config, storage, initial, null, random);
  }

  /**
   * Creates a core over a storage whose state machine was restored from a snapshot (a restart).
   *
   * @param id this member
   * @param group the group's name, carried in every message
   * @param config the settings
   * @param storage the member's log and hard state; its log must start at or before the snapshot's index
   *     and reach it (see {@link RaftStorage#installSnapshot})
   * @param initial the configuration to use until the log or a snapshot holds one
   * @param snapshot the snapshot the state machine was restored from, or null when it starts empty
   * @param random the source of election timeout jitter
   * @throws IllegalArgumentException if the log and the snapshot do not fit together
   */
  public RaftCore(MemberId id, String group, RaftConfig config, RaftStorage storage, Configuration initial,
      @Nullable SnapshotMeta snapshot, RandomGenerator random) {
    this.id = Objects.requireNonNull(id, "id");
    this.group = Objects.requireNonNull(group, "group");
    this.config = Objects.requireNonNull(config, "config");
    this.random = Objects.requireNonNull(random, "random");
    this.raftLog = new RaftLog(storage, snapshot == null ? 0 : snapshot.index());
    this.latestSnapshot = snapshot;
    this.configs = new ConfigHistory(snapshot == null ? initial : snapshot.configuration());
    // Only the configuration entries: reading the whole log here would hold all of it in memory at once.
    configs.onAppend(storage.configurationEntries());
    this.tracker = new ProgressTracker(id, config, configs.current());
    HardState hs = storage.hardState();
    this.term = hs.term();
    this.vote = hs.votedFor();
    this.savedHardState = hs;
    this.lostEntry = hs.lostEntry();
    this.durableIndex = storage.lastIndex();
    becomeFollower(term, null);
    if (lostEntry != null) {
      LostEntryRecovery.start(this);
    }
  }


  // ---------------------------------------------------------------- inputs

  /** Moves time by one tick. Timeouts become local actions: a campaign, a heartbeat, a step-down. */
  public void tick() {
    tickCount++;
    behavior.tick();
  }

  /**
   * Handles a message from a peer. Invalid messages are dropped with a log line; nothing a peer sends
   * can throw out of here.
   *
   * @param from the authenticated sender
   * @param message the message
   */
  public void step(MemberId from, RaftMessage message) {
    if (!message.group().equals(group) || from.equals(id)) {
      log.warn("{} dropped {} from {}: wrong group or from itself", id.shortForm(), message.type(), from.shortForm());
      return;
    }
    if (message.term() > MAX_TERM) {
      log.warn("{} dropped {} from {}: term out of range", id.shortForm(), message.type(), from.shortForm());
      return;
    }
    try {
      if (message instanceof ForwardedProposal || message instanceof ReadIndexRequest) {
        behavior.step(from, message); // requests from followers: their term is informational
      } else if (TermRules.admit(this, from, message)) {
        if (message instanceof VoteRequest request) {
          Election.handleVoteRequest(this, from, request);
        } else {
          behavior.step(from, message);
        }
      }
    } catch (IllegalStateException e) {
      log.error("{} dropped {} from {} at term {}: {}", id.shortForm(), message.type(), from.shortForm(), term,
          e.getMessage());
    }
    LostEntryRecovery.maybeRecovered(this);
  }

  /**
   * Proposes commands. A leader appends them; a follower that knows its leader forwards them.
   *
   * @param commands the commands
   * @return false when no leader is known or a leadership transfer is under way, so nothing was done
   */
  public boolean propose(List<byte[]> commands) {
    if (behavior instanceof LeaderRole leader) {
      return leader.propose(commands);
    }
    if (lead == null || commands.isEmpty()) {
      return false;
    }
    send(lead, new ForwardedProposal(group, term, commands));
    return true;
  }

  /**
   * Proposes a single-server membership change. Only the leader takes one, and only when its previous
   * change has committed and it has committed an entry of its own term.
   *
   * @param change the change
   * @return the index of the configuration entry
   * @throws ProposalRejectedException if this member is not the leader or the change cannot be made now
   */
  public long proposeConfigChange(ConfigChange change) {
    if (!(behavior instanceof LeaderRole leader)) {
      throw new ProposalRejectedException(id.shortForm() + " is not the leader");
    }
    return leader.proposeConfigChange(change);
  }

  /**
   * Asks for a linearizable read index. The answer is a {@link ReadState} in a later {@link Ready}.
   *
   * @param context the caller's identifier for the read, echoed in the answer
   * @return false when no leader is known, so no answer will come
   */
  public boolean readIndex(long context) {
    if (behavior instanceof LeaderRole leader) {
      leader.readIndex(context, null);
      return true;
    }
    if (lead == null) {
      return false;
    }
    send(lead, new ReadIndexRequest(group, term, context));
    return true;
  }

  /**
   * Hands leadership to another voter: once its log is caught up it is told to campaign at once.
   *
   * @param target the member to lead next
   * @throws ProposalRejectedException if this member is not the leader or the target is not a voter
   */
  public void transferLeadership(MemberId target) {
    if (!(behavior instanceof LeaderRole leader)) {
      throw new ProposalRejectedException(id.shortForm() + " is not the leader");
    }
    leader.transferLeadership(target);
  }

  /**
   * Says whether the application wants this member to lead (health-aware leadership). While it does
   * not, the member never campaigns (it still votes and replicates), and as leader it hands leadership
   * to the most up-to-date other voter, retrying every election timeout until one takes it.
   *
   * @param eligible false while the member is not ready or not healthy
   */
  public void setEligibleToLead(boolean eligible) {
    if (this.eligible == eligible) {
      return;
    }
    this.eligible = eligible;
    log.info("{} is {} to lead at term {}", id.shortForm(), eligible ? "again eligible" : "no longer eligible", term);
    if (!eligible && behavior instanceof LeaderRole leader) {
      leader.handOver();
    }
  }

  /** A voter the application lets lead, holding every entry it may have acknowledged. */
  boolean promotable() {
    return eligible && lostEntry == null && tracker.isPromotable();
  }

  /** Campaigns now, as if the election timeout had passed (tests and operators). */
  public void campaign() {
    if (promotable() && !(behavior instanceof LeaderRole)) {
      Election.campaign(this, false);
    }
  }

  /**
   * Tells the core that a snapshot is durable in the driver's snapshot store (one it took, or one it
   * received), so it is the one to send to members that need compacted entries.
   *
   * @param snapshot the snapshot's metadata
   */
  public void snapshotSaved(SnapshotMeta snapshot) {
    if (latestSnapshot == null || snapshot.index() > latestSnapshot.index()) {
      latestSnapshot = snapshot;
    }
  }

  /**
   * Offers a snapshot that the leader sent and the driver received whole and checked (Raft §7). The core
   * installs it if its log lacks what the snapshot covers: the log is replaced, and the next
   * {@link Ready#snapshot()} asks the driver to install it in storage and the state machine. Either way
   * the leader is told how far this member's log now matches.
   *
   * @param from the sender
   * @param senderTerm the term the sender sent it in
   * @param snapshot the snapshot's metadata
   * @return true when the snapshot is to be installed; false when it is stale, or not from the leader of
   *     this member's term (then nothing changed)
   */
  public boolean offerSnapshot(MemberId from, long senderTerm, SnapshotMeta snapshot) {
    if (senderTerm != term || !(behavior instanceof FollowerRole follower) || (lead != null && !lead.equals(from))) {
      log.info("{} ignored a snapshot at index {} from {} at term {}: it is not this member's leader of term {}",
          id.shortForm(), snapshot.index(), from.shortForm(), senderTerm, term);
      return false;
    }
    return follower.offerSnapshot(from, snapshot);
  }

  /**
   * Tells the leader's core that its driver's transfer of a snapshot to a member ended.
   *
   * @param to the member
   * @param finished true when the member has received the whole snapshot, false when the transfer failed
   *     and should be retried later
   */
  public void snapshotTransferEnded(MemberId to, boolean finished) {
    if (behavior instanceof LeaderRole leader) {
      leader.snapshotTransferEnded(to, finished);
    }
  }

  // ---------------------------------------------------------------- outputs

  /**
   * Tells whether {@link #ready()} has anything to hand out.
   *
   * @return true when a batch is waiting
   */
  public boolean hasReady() {
    return !outbox.isEmpty() || !readStates.isEmpty() || !raftLog.unstableEntries().isEmpty()
        || raftLog.pendingSnapshot() != null || !snapshotTargets.isEmpty()
        || raftLog.committed() > raftLog.applied() || !hardState().equals(savedHardState);
  }

  /**
   * Hands out what the driver must do now; see {@link Ready} for the order. Messages and read states
   * are handed out once; the rest stays pending until {@link #advance}.
   *
   * @return the batch
   */
  public Ready ready() {
    HardState hs = hardState();
    Ready ready = new Ready(hs.equals(savedHardState) ? null : hs, raftLog.pendingSnapshot(),
        raftLog.unstableEntries(), raftLog.committedToApply(), List.copyOf(outbox), List.copyOf(snapshotTargets),
        List.copyOf(readStates), behavior.role(), lead, term);
    outbox.clear();
    snapshotTargets.clear();
    readStates.clear();
    if (behavior instanceof LeaderRole leader) {
      leader.onBatchHandedOut();
    }
    return ready;
  }

  /**
   * Confirms that the driver saved (durably, per its store's policy), sent and applied a batch.
   *
   * @param ready the batch returned by the last {@link #ready()}
   */
  public void advance(Ready ready) {
    advanceStored(ready);
    durableIndex = raftLog.lastStableIndex();
    if (behavior instanceof LeaderRole leader) {
      leader.persisted(raftLog.lastStableIndex());
    }
  }

  /**
   * Confirms a leader's batch whose entries the driver wrote ({@link RaftStorage#write}) but has not yet
   * made durable: as {@link #advance}, except that the leader does not count its own copy of them toward a
   * majority until the driver reports them with {@link #persistedTo}. Followers' acknowledgements commit
   * them meanwhile (Raft thesis §10.2.1: the leader's disk write is just one of the majority's).
   *
   * @param ready the batch returned by the last {@link #ready()}, made by a leader
   * @throws IllegalArgumentException if the batch was not made by a leader, whose saves must be durable
   */
  public void advanceWritten(Ready ready) {
    if (ready.role() != RaftRole.LEADER || ready.snapshot() != null) {
      throw new IllegalArgumentException("only a leader's batch may be left unforced, not a " + ready.role()
          + "'s");
    }
    advanceStored(ready);
  }

  /**
   * Tells the core that its log is durable up to {@code index}, which held an entry of {@code term} when
   * the force was asked for: a leader counts its own copy of the entries up to it from now on. Ignored
   * when this member no longer leads (it forced its log with its first save since) or its log no longer
   * holds that entry.
   *
   * @param index the last index the force covered
   * @param term the term of the entry at {@code index}
   */
  public void persistedTo(long index, long term) {
    if (!(behavior instanceof LeaderRole leader) || index > raftLog.lastStableIndex() || raftLog.term(index) != term) {
      return;
    }
    durableIndex = Math.max(durableIndex, index);
    leader.persisted(index);
  }

  /** The last index known durable in storage, at most the last stable one. */
  long durableIndex() {
    return Math.min(durableIndex, raftLog.lastStableIndex());
  }

  private void advanceStored(Ready ready) {
    if (ready.hardState() != null) {
      savedHardState = ready.hardState();
    }
    if (ready.snapshot() != null) {
      raftLog.snapshotInstalled(ready.snapshot());
    }
    if (!ready.entries().isEmpty()) {
      LogEntry last = ready.entries().get(ready.entries().size() - 1);
      raftLog.stableTo(last.index(), last.term());
    }
    if (!ready.committedEntries().isEmpty()) {
      raftLog.appliedTo(ready.committedEntries().get(ready.committedEntries().size() - 1).index());
    }
  }

  // ---------------------------------------------------------------- state

  /** @return this member's id */
  public MemberId id() {
    return id;
  }

  /** @return the current term */
  public long term() {
    return term;
  }

  /** @return the current role */
  public RaftRole role() {
    return behavior.role();
  }

  /** @return the leader known in this term, or null */
  public @Nullable MemberId leader() {
    return lead;
  }

  /** @return the configuration in force */
  public Configuration configuration() {
    return configs.current();
  }

  /**
   * Returns the configuration in force at an index, for a snapshot taken there.
   *
   * @param index an index the log holds or held
   * @return the latest configuration at or before it
   */
  public Configuration configurationAt(long index) {
    return configs.at(index);
  }

  /**
   * Returns the entry this member may have acknowledged and lost when its log was opened, while a leader
   * has not yet committed its index here; meanwhile the member does not campaign.
   *
   * @return the lost entry, or null
   */
  public HardState.@Nullable LostEntry lostEntry() {
    return lostEntry;
  }

  /** @return the commit index */
  public long commitIndex() {
    return raftLog.committed();
  }

  /** @return the last index in the log */
  public long lastIndex() {
    return raftLog.lastIndex();
  }

  /** @return the term of the entry at {@code index}, or -1 when the log does not hold it */
  public long termAt(long index) {
    return raftLog.term(index);
  }

  /**
   * Returns, on the leader, the highest index known to be in each member's log (its match index; the
   * leader's own last index for itself). Autopilot uses it to tell when a learner has caught up.
   *
   * @return match index by member, voters and learners; empty when this member does not lead
   */
  public java.util.Map<MemberId, Long> matchIndexes() {
    java.util.Map<MemberId, Long> match = new java.util.LinkedHashMap<>();
    if (behavior instanceof LeaderRole) {
      for (MemberId m : tracker.configuration().members()) {
        Progress p = tracker.progress(m);
        match.put(m, m.equals(id) ? raftLog.lastIndex() : p == null ? 0L : p.match);
      }
    }
    return match;
  }

  /**
   * Whether this member, as leader, heard from a majority within the last election timeout.
   *
   * @return false for a leader cut off from its majority, and for any non-leader
   */
  public boolean leaderHasQuorum() {
    return behavior instanceof LeaderRole leader && leader.hasRecentQuorum();
  }

  HardState hardState() {
    return new HardState(term, vote, raftLog.committed(), lostEntry);
  }

  // ---------------------------------------------------------------- transitions

  void becomeFollower(long newTerm, @Nullable MemberId leader) {
    RaftRole before = behavior == null ? null : behavior.role();
    boolean termChanged = newTerm != term;
    reset(newTerm);
    lead = leader;
    behavior = new FollowerRole(this);
    // A failed pre-vote changes nothing an operator cares about; a lost term or leadership does.
    if (before == RaftRole.CANDIDATE || before == RaftRole.LEADER || (before != null && termChanged)) {
      log.info("{} became follower at term {}{}", id.shortForm(), term,
          leader == null ? "" : ", leader " + leader.shortForm());
    }
  }

  void becomePreCandidate() {
    // PreVote changes neither term nor vote: a failed pre-campaign leaves no trace (thesis §9.6).
    behavior = new CandidateRole(this, true);
    lead = null;
    // A new timeout, as for any campaign: an unanswered pre-vote is retried after it, not every tick.
    electionElapsed = 0;
    randomizedElectionTimeout = randomElectionTimeout();
    tracker.resetVotes();
    log.debug("{} became pre-candidate at term {}", id.shortForm(), term);
  }

  void becomeCandidate() {
    reset(term + 1);
    vote = id;
    behavior = new CandidateRole(this, false);
    log.info("{} became candidate at term {}", id.shortForm(), term);
  }

  void becomeLeader() {
    reset(term);
    lead = id;
    LeaderRole leader = new LeaderRole(this);
    behavior = leader;
    log.info("{} became leader at term {} with voters {}", id.shortForm(), term, configs.current());
    leader.start();
  }

  private void reset(long newTerm) {
    if (newTerm != term) {
      term = newTerm;
      vote = null;
    }
    lead = null;
    electionElapsed = 0;
    randomizedElectionTimeout = randomElectionTimeout();
    tracker.resetProgress(raftLog.lastIndex());
  }

  /**
   * A timeout in {@code [electionTicks + 2, 2 * electionTicks + 2)}. The two ticks of margin are for the
   * other followers: they ignore vote requests for {@code electionTicks} after hearing the leader (the
   * CheckQuorum lease), and their tick counters run up to a tick apart from ours, so a campaign started at
   * exactly {@code electionTicks} would often be ignored and wait a whole second timeout.
   */
  private int randomElectionTimeout() {
    return config.electionTicks() + ELECTION_MARGIN_TICKS + random.nextInt(config.electionTicks());
  }

  /** See {@link #randomElectionTimeout()}. */
  static final int ELECTION_MARGIN_TICKS = 2;

  /** Applies the configuration now latest in the log, after entries were appended or truncated. */
  void onLogChanged(List<LogEntry> appended) {
    Configuration before = configs.current();
    configs.onAppend(appended);
    Configuration after = configs.current();
    if (!after.equals(before)) {
      tracker.reconfigure(after, raftLog.lastIndex());
      log.info("{} uses configuration {} at term {}", id.shortForm(), after, term);
    }
  }

  void send(MemberId to, RaftMessage message) {
    outbox.add(new Outbound(to, message));
  }

  void respond(MemberId to, RaftMessage message) {
    send(to, message);
  }

  VoteResponse voteResponse(long responseTerm, boolean granted, boolean preVote) {
    return new VoteResponse(group, responseTerm, granted, preVote);
  }
}
