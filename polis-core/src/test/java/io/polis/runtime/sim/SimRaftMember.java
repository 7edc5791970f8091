package io.polis.runtime.sim;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.CorruptLogException;
import io.polis.raft.FileRaftStorage;
import io.polis.raft.InMemorySnapshotStore;
import io.polis.raft.FileStorageConfig;
import io.polis.raft.InMemoryRaftStorage;
import io.polis.raft.RaftStorage;
import io.polis.raft.SimulatedDisk;
import io.polis.raft.StateMachine;
import io.polis.runtime.RaftDriver;
import io.polis.runtime.RaftDriverConfig;
import io.polis.sim.PausableScheduler;
import io.polis.sim.Simulation;
import io.polis.transport.TransportConfig;
import io.polis.transport.local.LocalTransport;
import io.polis.wire.RaftMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One simulated Raft member: a driver on its own pausable view of the simulator's scheduler, an in-memory
 * transport, and either an in-memory storage that outlives crashes as a perfect disk would, or the real
 * {@link FileRaftStorage} on a {@link SimulatedDisk} that loses what was never forced.
 */
final class SimRaftMember {

  /**
   * Where a member on the file store keeps its log.
   *
   * @param disk the simulated disk, shared by the group
   * @param directory this member's data directory
   * @param config the store's settings
   */
  record OnDisk(SimulatedDisk disk, Path directory, FileStorageConfig config) {}

  /** The longest a leader's background force of its log takes, in virtual time. */
  private static final long MAX_FORCE_NANOS = 2_000_000;

  final MemberId id;
  final Address address;
  /** The storage of the current run; on disk, a new store per run, reopened from the directory. */
  RaftStorage storage;
  final @Nullable OnDisk onDisk;
  /** Set when a restart found a log the store refused to open: the member stays down until repaired. */
  @Nullable CorruptLogException broken;
  /** A bit flipped in the log while the member was down, not yet seen by a restart. */
  SimulatedDisk.@Nullable Flip pendingFlip;
  private final Simulation sim;
  private final RaftDriverConfig config;
  private final Supplier<? extends StateMachine> stateMachines;
  private PausableScheduler scheduler;
  private LocalTransport transport;
  RaftDriver driver;
  StateMachine stateMachine;
  /** The application state machine inside the invariant-checking wrapper. */
  StateMachine machine;
  boolean up;
  int incarnation;
  // What the invariant checker saw last: durable values across restarts, the rest per run.
  long seenDurableTerm;
  long seenDurableCommit;
  long seenCommit;
  long seenApplied;

  /** While set, the leader's background forces of its own log wait here instead of running. */
  boolean holdForces;
  final List<Runnable> heldForces = new ArrayList<>();

  /** Outlives crashes, as a disk would; a member restarted without storage gets a new one. */
  InMemorySnapshotStore snapshots = new InMemorySnapshotStore();

  SimRaftMember(Simulation sim, MemberId id, Address address, RaftDriverConfig config,
      Supplier<? extends StateMachine> stateMachines, @Nullable OnDisk onDisk) {
    this.onDisk = onDisk;
    this.storage = new InMemoryRaftStorage();
    this.sim = sim;
    this.id = id;
    this.address = address;
    this.config = config;
    this.stateMachines = stateMachines;
  }

  /**
   * Starts (or restarts after a crash) on the storage it has; the state machine starts empty and replays.
   *
   * @throws CorruptLogException if the member is on disk and its log cannot be trusted; it stays down
   */
  void start(Configuration initial) {
    if (onDisk != null) {
      storage = onDisk.disk().open(onDisk.directory(), onDisk.config(), sim.scheduler());
      // The commit index is written lazily (Raft does not need it durable), so a crash may take it back;
      // and a flipped last record cut off at open takes the log below it, where the core clamps it.
      seenDurableCommit = Math.min(storage.hardState().commit(), storage.lastIndex());
    }
    incarnation++;
    seenCommit = 0;
    seenApplied = 0;
    scheduler = new PausableScheduler(sim.scheduler());
    transport = sim.network().transport(TransportConfig.builder(id).clusterName("sim").advertisedAddress(address)
        .build());
    stateMachine = stateMachines.get();
    // The leader's own forces take up to 2 ms of virtual time, as a disk's flush would: followers' answers
    // can then commit before it, and a crash can fall between the leader's write and its force.
    RandomGenerator forceTimes = sim.fork();
    PausableScheduler s = scheduler;
    Executor logForces = task -> {
      if (holdForces) {
        heldForces.add(task);
      } else {
        s.schedule(Duration.ofNanos(forceTimes.nextLong(MAX_FORCE_NANOS)), task);
      }
    };
    driver = new RaftDriver(config, id, storage, initial, stateMachine, snapshots, scheduler::execute, logForces,
        transport, scheduler, sim.scheduler(), Runnable::run, sim.fork());
    RaftDriver d = driver;
    transport.start((from, message) -> {
      if (message instanceof RaftMessage raft) {
        d.onMessage(from, raft);
      }
    });
    driver.start();
    up = true;
  }

  /** Stops abruptly: queued work and unsaved state are lost, open requests never complete. */
  void crash() {
    heldForces.clear();
    scheduler.kill();
    transport.close();
    up = false;
    if (onDisk != null) {
      onDisk.disk().crash((FileRaftStorage) storage);
    }
  }

  /**
   * Whether the member may have lost an acknowledged entry and no leader has committed it there since:
   * as its next restart would find it on disk, or as its running core still has it.
   */
  boolean waitsForALostEntry() {
    if (onDisk == null) {
      return false;
    }
    return SimulatedDisk.lostEntryOnDisk(onDisk.directory()) != null || (up && driver.status().lostEntry() != null);
  }

  /** Whether {@link #storage} can be read: a crashed store on disk is abandoned. */
  boolean storageReadable() {
    return up || onDisk == null;
  }

  /** Holds every task of this member (a long GC pause) until {@link #resume()}. */
  void pause() {
    scheduler.pause();
  }

  void resume() {
    scheduler.resume();
  }

  boolean paused() {
    return scheduler.paused();
  }
}
