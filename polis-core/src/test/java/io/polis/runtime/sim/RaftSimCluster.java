package io.polis.runtime.sim;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.CorruptLogException;
import io.polis.raft.RaftRole;
import io.polis.raft.RaftStatus;
import io.polis.raft.StateMachine;
import io.polis.runtime.RaftDriverConfig;
import io.polis.sim.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A simulated Raft group: members on the simulator's network, with the invariants checked after every
 * task the simulator runs.
 */
final class RaftSimCluster {

  final Simulation sim;
  final List<SimRaftMember> members = new ArrayList<>();
  final RaftInvariants invariants = new RaftInvariants();
  final Configuration initial;
  private boolean checking = true;

  /**
   * Creates and starts the group.
   *
   * @param size the initial voters
   * @param spares members started with an empty configuration, waiting to be added
   */
  RaftSimCluster(Simulation sim, int size, int spares, RaftDriverConfig config,
      Function<SimRaftMember, StateMachine> stateMachines) {
    this(sim, size, spares, config, stateMachines, null);
  }

  /**
   * Creates and starts the group, on the file store when {@code disk} is given.
   *
   * @param disk the members' disk, with the directory under which each gets its own, or null for in-memory
   *     storage
   */
  RaftSimCluster(Simulation sim, int size, int spares, RaftDriverConfig config,
      Function<SimRaftMember, StateMachine> stateMachines, SimRaftMember.@Nullable OnDisk disk) {
    this.sim = sim;
    this.size = size;
    Map<MemberId, Address> voters = new LinkedHashMap<>();
    for (int i = 0; i < size + spares; i++) {
      MemberId id = MemberId.random(sim.random());
      Address address = new Address("10.0.0." + (i + 1), 7800);
      if (i < size) {
        voters.put(id, address);
      }
      SimRaftMember[] self = new SimRaftMember[1];
      SimRaftMember.OnDisk onDisk = disk == null ? null
          : new SimRaftMember.OnDisk(disk.disk(), disk.directory().resolve("member-" + i), disk.config());
      self[0] = new SimRaftMember(sim, id, address, config, () -> checked(self[0], stateMachines.apply(self[0])),
          onDisk);
      members.add(self[0]);
    }
    initial = new Configuration(voters, Map.of());
    for (int i = 0; i < members.size(); i++) {
      members.get(i).start(startingConfiguration(i));
    }
  }

  private final int size;

  /** The initial voters start with the bootstrap configuration; spares with none. */
  private Configuration startingConfiguration(int i) {
    return i < size ? initial : Configuration.EMPTY;
  }

  /** The live member that leads with the highest term, or null. */
  SimRaftMember currentLeader() {
    SimRaftMember best = null;
    for (SimRaftMember m : members) {
      if (m.up && m.driver.status().role() == RaftRole.LEADER
          && (best == null || m.driver.status().term() > best.driver.status().term())) {
        best = m;
      }
    }
    return best;
  }

  private StateMachine checked(SimRaftMember m, StateMachine delegate) {
    m.machine = delegate;
    return new StateMachine() {
      @Override
      public byte[] apply(long index, byte[] command) {
        invariants.applied(m, index, command);
        return delegate.apply(index, command);
      }

      @Override
      public io.polis.raft.StateSnapshot snapshot() {
        return delegate.snapshot();
      }

      @Override
      public void restore(java.io.InputStream in) throws java.io.IOException {
        delegate.restore(in);
      }
    };
  }

  /** Runs the simulator for a while, checking the invariants after every task. */
  void run(Duration duration) {
    CheckedRun.run(sim, duration, () -> {
      if (checking) {
        invariants.check(members);
      }
    });
  }

  /** The leader every live voter agrees on, or null. */
  SimRaftMember agreedLeader() {
    SimRaftMember leader = null;
    for (SimRaftMember m : members) {
      if (m.up && m.driver.status().role() == RaftRole.LEADER) {
        if (leader != null && leader.driver.status().term() == m.driver.status().term()) {
          return null;
        }
        if (leader != null && leader.driver.status().term() > m.driver.status().term()) {
          continue; // a removed or stale leader that has not heard of the new term
        }
        if (leader != null) {
          return null; // an old leader that has not stepped down yet
        }
        leader = m;
      }
    }
    if (leader == null) {
      return null;
    }
    long term = leader.driver.status().term();
    Configuration conf = leader.driver.status().configuration();
    for (SimRaftMember m : members) {
      RaftStatus s = m.driver.status();
      // The leader's configuration decides who must agree: a removed member may never learn it was removed.
      if (m.up && conf.isVoter(m.id) && (s.term() != term || !leader.id.equals(s.leader()))) {
        return null;
      }
    }
    return leader;
  }

  void crash(int i) {
    members.get(i).crash();
  }

  /**
   * Restarts a crashed member, unless its log was found damaged beyond repair.
   *
   * @return whether it is up
   */
  boolean restart(int i) {
    SimRaftMember m = members.get(i);
    if (m.broken != null) {
      return false;
    }
    try {
      m.start(i < size ? initial : Configuration.EMPTY);
      return true;
    } catch (CorruptLogException e) {
      // Rebuilding it from its peers under a new id is cluster-formation work; until then it stays down.
      m.broken = e;
      return false;
    }
  }

  void healAll() {
    sim.network().heal();
    sim.network().setFaults(io.polis.transport.local.NetworkFaults.NONE);
    for (int i = 0; i < members.size(); i++) {
      SimRaftMember m = members.get(i);
      if (m.up && m.paused()) {
        m.resume();
      }
      if (!m.up) {
        restart(i);
      }
    }
  }

  String describe() {
    StringBuilder sb = new StringBuilder();
    for (SimRaftMember m : members) {
      RaftStatus s = m.driver.status();
      sb.append(String.format("%n  %s %s term=%d leader=%s commit=%d applied=%d last=%d %s", m.id.shortForm(),
          m.up ? s.role() : m.broken != null ? "BROKEN" : "DOWN", s.term(), s.leader() == null ? "-" : s.leader().shortForm(), s.commitIndex(),
          s.appliedIndex(), s.lastIndex(), s.configuration()));
    }
    return sb.toString();
  }
}
