package io.polis.runtime;

import io.polis.node.MemberId;
import io.polis.raft.ConfigChange;
import io.polis.raft.Configuration;
import io.polis.raft.NotLeaderException;
import io.polis.raft.Outbound;
import io.polis.raft.ProposalRejectedException;
import io.polis.raft.RaftCore;
import io.polis.raft.RaftGroup;
import io.polis.raft.RaftRole;
import io.polis.raft.RaftStatus;
import io.polis.raft.RaftStorage;
import io.polis.raft.ReadState;
import io.polis.raft.Ready;
import io.polis.raft.SnapshotStore;
import io.polis.raft.StateMachine;
import io.polis.time.Clock;
import io.polis.time.Scheduler;
import io.polis.transport.PeerInfo;
import io.polis.transport.Transport;
import io.polis.wire.LogEntry;
import io.polis.wire.RaftMessage;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one member's {@link RaftCore} on one thread: ticks it, feeds it messages and requests, and carries
 * out each {@link Ready} in order — save to {@link RaftStorage}, send through the {@link Transport}, apply
 * to the {@link StateMachine}, answer reads — then completes callers' futures. As leader it only writes its
 * own entries and forces them on another thread ({@link LogForces}), so that its disk flush does not hold up
 * the acknowledgements that commit them.
 *
 * <p>Inputs from other threads go through a mailbox drained on the driver's {@link Scheduler} (which must
 * run one task at a time); everything submitted between two drains becomes one batch, so concurrent
 * proposals share one {@link RaftStorage#save} and one round of messages (group commit).
 */
public final class RaftDriver implements RaftGroup, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RaftDriver.class);

  private final RaftDriverConfig config;
  private final MemberId id;
  private final RaftCore core;
  private final RaftStorage storage;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Executor completions;
  private final PendingRequests pending;
  private final CommandApplier applier;
  private final SnapshotCoordinator snapshots;
  private final LogForces forces;
  private final RequestIntake requests;
  private final PeerSender peers;
  private final ConcurrentLinkedQueue<Runnable> mailbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final List<Consumer<RaftStatus>> listeners = new CopyOnWriteArrayList<>();
  /**
   * The first tick comes after a random part of a tick, so members started together do not tick in step:
   * two followers whose timeouts are the same number of ticks then still campaign at different moments.
   */
  private final java.time.Duration firstTickDelay;
  private volatile RaftStatus status;
  private volatile boolean stopped;
  private Scheduler.@Nullable Cancellable tickTimer;

  /**
   * Creates a driver; nothing runs until {@link #start()}.
   *
   * @param config the settings
   * @param id this member
   * @param storage its log and hard state (may hold a previous run's)
   * @param initial the configuration to use until the log holds one
   * @param stateMachine the application state; restored here from the newest snapshot, if any
   * @param snapshots where snapshots are kept; the log is compacted only up to a durable one
   * @param snapshotIo where snapshots are written and read for sending, off the driver thread
   * @param logForces where the leader forces its own entries ({@link RaftStorage#force()}), one force at a
   *     time: a thread of its own, so that the driver goes on taking acknowledgements during the force and
   *     two followers can commit without the leader's copy; {@code Runnable::run} forces on the driver
   *     thread, after the batch's AppendRequests went out: the better choice for a driver on its transport's
   *     event loop, where a force thread's wake-up would start the force later (measured, see
   *     docs/benchmarks.md). Shut it down only after the storage is closed: an interrupted force closes the
   *     log's file
   * @param transport sends to peers; inbound Raft messages must be routed to {@link #onMessage}
   * @param scheduler the driver's single thread: a {@link ProtocolThread}; the event loop of the transport
   *     ({@link io.polis.transport.netty.NettyTransport#eventLoopScheduler()}, one I/O thread), which saves
   *     two thread hand-offs per message but is then blocked while a follower forces its log or the state
   *     machine applies, so only for a state machine whose apply is quick; or the simulator's
   * @param clock for request deadlines
   * @param completions where callers' futures are completed, so their continuations stay off the driver
   *     thread
   * @param random election jitter and the session id
   * @throws IllegalStateException if the log was compacted past every snapshot (committed state lost)
   * @throws java.io.UncheckedIOException if the snapshots cannot be read
   */
  public RaftDriver(RaftDriverConfig config, MemberId id, RaftStorage storage, Configuration initial,
      StateMachine stateMachine, SnapshotStore snapshots, Executor snapshotIo, Executor logForces,
      Transport transport, Scheduler scheduler, Clock clock, Executor completions, RandomGenerator random) {
    this.config = Objects.requireNonNull(config, "config");
    this.id = Objects.requireNonNull(id, "id");
    this.storage = Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(stateMachine, "stateMachine");
    Objects.requireNonNull(transport, "transport");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.completions = Objects.requireNonNull(completions, "completions");
    // Identifies this run of the member in command headers, so numbering may restart after a restart.
    MemberId session = MemberId.random(random);
    this.firstTickDelay = java.time.Duration.ofNanos(1 + random.nextLong(config.tickInterval().toNanos()));
    this.pending = new PendingRequests(completions);
    this.applier = new CommandApplier(id, session, stateMachine, pending);
    this.snapshots = new SnapshotCoordinator(id, config, snapshots, snapshotIo, stateMachine, applier, storage, clock,
        this::submit);
    this.core = new RaftCore(id, config.group(), config.raft(), storage, initial, this.snapshots.restoreAtStart(),
        random);
    this.peers = new PeerSender(id, transport, core);
    this.snapshots.attach(core, peers::send);
    this.forces = new LogForces(storage, Objects.requireNonNull(logForces, "logForces"), this::submit, e -> {
      log.error("{} stops Raft group {}: its storage cannot force: {}", id.shortForm(), config.group(), e.toString(),
          e);
      close();
    });
    forces.attach(core);
    this.requests = new RequestIntake(id, config, core, session, pending, clock, completions, this::submit);
    this.status = snapshotStatus();
  }

  /** Starts ticking. */
  public void start() {
    scheduler.execute(() -> {
      log.info("{} starts Raft group {} at term {} with {}", id.shortForm(), config.group(), core.term(),
          core.configuration());
      tickTimer = scheduler.schedule(firstTickDelay, this::onTick);
      process();
    });
  }

  /**
   * Hands a message from the transport to the driver thread. Never blocks.
   *
   * @param from the authenticated sender
   * @param message the message
   */
  public void onMessage(PeerInfo from, RaftMessage message) {
    submit(() -> {
      peers.heardFrom(from);
      if (!snapshots.onMessage(from.memberId(), message)) {
        core.step(from.memberId(), message);
      }
    });
  }

  @Override
  public CompletableFuture<Applied> propose(byte[] command) {
    return requests.propose(command);
  }

  @Override
  public <T> CompletableFuture<T> readLinearizable(Supplier<T> read) {
    return requests.readLinearizable(read);
  }

  @Override
  public <T> CompletableFuture<T> readLocal(Supplier<T> read) {
    return requests.readLocal(read);
  }

  /**
   * Proposes a single-server membership change through the leader's core.
   *
   * @param change the change
   * @return the index of the configuration entry; fails with {@link ProposalRejectedException} when the
   *     change cannot be made now (not the leader, another change in flight)
   */
  public CompletableFuture<Long> changeConfiguration(ConfigChange change) {
    return requests.onDriverThread(() -> core.proposeConfigChange(change));
  }

  /**
   * Asks the leader (this member) to hand leadership to another voter.
   *
   * @param target the next leader
   * @return completes once the transfer has started; fails if this member does not lead
   */
  public CompletableFuture<Void> transferLeadership(MemberId target) {
    return requests.onDriverThread(() -> {
      core.transferLeadership(target);
      return null;
    });
  }

  /**
   * Returns the leader's view of how far each member's log is replicated (see
   * {@link RaftCore#matchIndexes()}).
   *
   * @return match index by member; empty when this member does not lead
   */
  public CompletableFuture<Map<MemberId, Long>> matchIndexes() {
    return requests.onDriverThread(core::matchIndexes);
  }

  /**
   * Health-aware leadership: while {@code eligible} is false this member never campaigns, and if it leads
   * it hands leadership to the best other voter. The application calls it from its readiness or health
   * checks.
   *
   * @param eligible whether this member may lead
   * @return completes once the core has taken the setting
   */
  public CompletableFuture<Void> setEligibleToLead(boolean eligible) {
    return requests.onDriverThread(() -> {
      core.setEligibleToLead(eligible);
      return null;
    });
  }

  /**
   * Registers a listener told of every change of role, term or leader, on the completion executor.
   *
   * @param listener the listener
   */
  public void addStatusListener(Consumer<RaftStatus> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public RaftStatus status() {
    return status;
  }

  @Override
  public MemberId localId() {
    return id;
  }

  /**
   * Stops the driver: no more ticks or messages; open requests fail with {@link NotLeaderException}. The
   * storage is left open for its owner to close.
   */
  @Override
  public void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    scheduler.execute(() -> {
      if (tickTimer != null) {
        tickTimer.cancel();
      }
      mailbox.clear();
      pending.failAll(requests::stopped);
      log.info("{} stopped Raft group {} at term {}", id.shortForm(), config.group(), core.term());
    });
  }

  // ---------------------------------------------------------------- driver thread

  private boolean submit(Runnable input) {
    if (stopped) {
      return false;
    }
    mailbox.add(input);
    if (drainScheduled.compareAndSet(false, true)) {
      scheduler.execute(this::drain);
    }
    return true;
  }

  private void drain() {
    drainScheduled.set(false);
    if (stopped) {
      return;
    }
    Runnable input;
    while ((input = mailbox.poll()) != null) {
      input.run();
    }
    process();
  }

  private void scheduleTick() {
    tickTimer = scheduler.schedule(config.tickInterval(), this::onTick);
  }

  private void onTick() {
    if (stopped) {
      return;
    }
    scheduleTick();
    core.tick();
    snapshots.tick();
    pending.expire(clock.nanos());
    process();
    try {
      storage.syncDue();
    } catch (RuntimeException e) {
      log.error("{} stops Raft group {}: its storage cannot sync: {}", id.shortForm(), config.group(), e.toString(), e);
      close();
    }
  }

  /** Carries out every Ready the core has, in the order {@link Ready} prescribes. */
  private void process() {
    requests.proposeBatch();
    try {
      while (core.hasReady()) {
        Ready ready = core.ready();
        if (ready.snapshot() != null) {
          snapshots.install(ready.snapshot());
        }
        boolean leads = ready.role() == RaftRole.LEADER;
        // A leader's batch without new entries mostly commits and tells the followers so: its committed
        // entries are on a majority's disks already, so callers get their answers before those sends.
        boolean applyFirst = leads && ready.entries().isEmpty();
        if (applyFirst) {
          applyAndAnswer(ready);
        }
        // A leader's entries go out first, so its own disk write overlaps its followers'.
        for (Outbound out : ready.leaderReplication()) {
          peers.send(out);
        }
        // A leader only writes its entries here and forces them off this thread (LogForces): it counts its
        // own copy once they are durable, so meanwhile it can take acknowledgements and commit without it.
        boolean forceOwed = false;
        if (leads) {
          forceOwed = storage.write(ready.hardState(), ready.entries());
        } else {
          storage.save(ready.hardState(), ready.entries());
        }
        for (Outbound out : ready.afterSave()) {
          peers.send(out);
        }
        snapshots.send(ready);
        if (!applyFirst) {
          applyAndAnswer(ready);
        }
        if (leads) {
          core.advanceWritten(ready);
          if (!ready.entries().isEmpty()) {
            LogEntry last = ready.entries().get(ready.entries().size() - 1);
            forces.written(last.index(), last.term(), forceOwed);
          }
        } else {
          core.advance(ready);
        }
      }
    } catch (RuntimeException e) {
      // Storage that cannot save, or a core invariant broken: running on would risk acknowledged data.
      log.error("{} stops Raft group {}: {}", id.shortForm(), config.group(), e.toString(), e);
      close();
      return;
    }
    noticeStatus();
  }

  /** Applies a batch's committed entries and answers the reads it confirmed. */
  private void applyAndAnswer(Ready ready) {
    applier.apply(ready.committedEntries());
    snapshots.applied(ready.committedEntries());
    for (ReadState rs : ready.readStates()) {
      pending.readIndexConfirmed(rs.context(), rs.index(), applier.appliedIndex());
    }
  }

  private void noticeStatus() {
    RaftStatus before = status;
    RaftStatus now = snapshotStatus();
    status = now;
    if (before.role() != now.role() || before.term() != now.term() || !Objects.equals(before.leader(), now.leader())) {
      pending.failUnconfirmedReads(requests::notLeader);
      for (Consumer<RaftStatus> listener : listeners) {
        completions.execute(() -> listener.accept(now));
      }
    }
  }

  private RaftStatus snapshotStatus() {
    return new RaftStatus(id, core.role(), core.term(), core.leader(), core.commitIndex(), applier.appliedIndex(),
        core.lastIndex(), core.configuration(), core.lostEntry());
  }
}
