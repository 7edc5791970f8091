package io.polis.runtime.sim;

import io.polis.membership.MembershipConfig;
import io.polis.membership.SwimMembership;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.InMemoryRaftStorage;
import io.polis.raft.RaftStatus;
import io.polis.raft.StateMachine;
import io.polis.runtime.MessageRouter;
import io.polis.runtime.RaftDriver;
import io.polis.runtime.RaftDriverConfig;
import io.polis.runtime.formation.Autopilot;
import io.polis.runtime.formation.AutopilotConfig;
import io.polis.runtime.formation.BootstrapDecision;
import io.polis.runtime.formation.ClusterFormation;
import io.polis.runtime.formation.FormationConfig;
import io.polis.sim.PausableScheduler;
import io.polis.sim.Simulation;
import io.polis.transport.TransportConfig;
import io.polis.transport.local.LocalTransport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One simulated node as a real one is wired: SWIM membership and a Raft driver on one in-memory transport,
 * the driver created only once {@link ClusterFormation} has decided, and {@link Autopilot} beside it. Its
 * storage outlives a crash as a perfect disk would, unless {@link #wipe()}d, which also gives it a new id.
 */
final class SimFormingNode {

  final int index;
  final Address address;
  private final Simulation sim;
  private final MembershipConfig membershipConfig;
  private final FormationConfig formationConfig;
  private final AutopilotConfig autopilotConfig;
  private final RaftDriverConfig raftConfig;
  private final Function<SimFormingNode, StateMachine> stateMachines;
  MemberId id;
  InMemoryRaftStorage storage = new InMemoryRaftStorage();
  io.polis.raft.InMemorySnapshotStore snapshots = new io.polis.raft.InMemorySnapshotStore();
  @Nullable RaftDriver driver;
  BootstrapDecision.@Nullable Outcome outcome;
  @Nullable SwimMembership membership;
  boolean up;
  private @Nullable PausableScheduler scheduler;
  private @Nullable LocalTransport transport;

  SimFormingNode(Simulation sim, int index, MembershipConfig membershipConfig, FormationConfig formationConfig,
      AutopilotConfig autopilotConfig, RaftDriverConfig raftConfig, Function<SimFormingNode, StateMachine> machines) {
    this.sim = sim;
    this.index = index;
    this.address = new Address("10.0.1." + (index + 1), 7800);
    this.membershipConfig = membershipConfig;
    this.formationConfig = formationConfig;
    this.autopilotConfig = autopilotConfig;
    this.raftConfig = raftConfig;
    this.stateMachines = machines;
    this.id = MemberId.random(sim.random());
  }

  void start() {
    PausableScheduler s = new PausableScheduler(sim.scheduler());
    LocalTransport t = sim.network().transport(TransportConfig.builder(id).clusterName("sim")
        .advertisedAddress(address).build());
    MessageRouter router = new MessageRouter();
    t.start(router);
    SwimMembership m = new SwimMembership(membershipConfig, t, sim.scheduler(), s, sim.fork(), s::execute);
    router.routeMembership(m::onMessage);
    m.start();
    ClusterFormation formation = new ClusterFormation(formationConfig, m, storage, s);
    scheduler = s;
    transport = t;
    membership = m;
    driver = null;
    outcome = null;
    up = true;
    formation.start().thenAccept(decided -> {
      outcome = decided;
      RaftDriver d = new RaftDriver(raftConfig, id, storage, Configuration.EMPTY, stateMachines.apply(this), snapshots,
          s::execute, s::execute, t, s, sim.scheduler(), Runnable::run, sim.fork());
      router.routeRaft(d::onMessage);
      d.start();
      formation.watch(d);
      new Autopilot(autopilotConfig, d, m, s, sim.scheduler()).start();
      driver = d;
    });
  }

  /** Stops abruptly: no goodbye, every pending task dropped; the storage stays. */
  void crash() {
    if (!up) {
      return;
    }
    up = false;
    scheduler.kill();
    transport.close();
  }

  /** Loses the data directory: a new id and an empty log for the next start. */
  void wipe() {
    storage = new InMemoryRaftStorage();
    snapshots = new io.polis.raft.InMemorySnapshotStore();
    id = MemberId.random(sim.random());
  }

  @Nullable RaftStatus status() {
    return up && driver != null ? driver.status() : null;
  }

  @Override
  public String toString() {
    RaftStatus s = status();
    return "node-" + index + "/" + id.shortForm() + (up ? "" : " DOWN") + (s == null ? " (no driver)"
        : " " + s.role() + " term=" + s.term() + " commit=" + s.commitIndex() + " last=" + s.lastIndex() + " "
            + s.configuration());
  }
}
