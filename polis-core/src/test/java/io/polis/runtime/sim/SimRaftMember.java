package io.polis.runtime.sim;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.InMemoryRaftStorage;
import io.polis.raft.StateMachine;
import io.polis.runtime.RaftDriver;
import io.polis.runtime.RaftDriverConfig;
import io.polis.sim.PausableScheduler;
import io.polis.sim.Simulation;
import io.polis.transport.TransportConfig;
import io.polis.transport.local.LocalTransport;
import io.polis.wire.RaftMessage;
import java.util.function.Supplier;

/**
 * One simulated Raft member: a driver on its own pausable view of the simulator's scheduler, an in-memory
 * transport, and an in-memory storage that outlives crashes as a disk would.
 */
final class SimRaftMember {

  final MemberId id;
  final Address address;
  final InMemoryRaftStorage storage = new InMemoryRaftStorage();
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

  SimRaftMember(Simulation sim, MemberId id, Address address, RaftDriverConfig config,
      Supplier<? extends StateMachine> stateMachines) {
    this.sim = sim;
    this.id = id;
    this.address = address;
    this.config = config;
    this.stateMachines = stateMachines;
  }

  /** Starts (or restarts after a crash) on the storage it has; the state machine starts empty and replays. */
  void start(Configuration initial) {
    incarnation++;
    seenCommit = 0;
    seenApplied = 0;
    scheduler = new PausableScheduler(sim.scheduler());
    transport = sim.network().transport(TransportConfig.builder(id).clusterName("sim").advertisedAddress(address)
        .build());
    stateMachine = stateMachines.get();
    driver = new RaftDriver(config, id, storage, initial, stateMachine, transport, scheduler, sim.scheduler(),
        Runnable::run, sim.fork());
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
    scheduler.kill();
    transport.close();
    up = false;
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
