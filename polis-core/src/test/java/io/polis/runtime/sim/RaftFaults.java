package io.polis.runtime.sim;

import io.polis.node.Address;
import io.polis.transport.local.NetworkFaults;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The faults of the simulated Raft runs: crashes and restarts, pauses, partitions of every shape, loss,
 * duplication and reordering, and membership changes. Shared by the in-memory and the on-disk simulations
 * so that both face the same world.
 */
final class RaftFaults {

  private RaftFaults() {}

  static final boolean TRACE = Boolean.getBoolean("polis.sim.trace");

  static void injectFault(RaftSimCluster cluster, SplittableRandom random) {
    List<SimRaftMember> members = cluster.members;
    int n = members.size();
    int action = random.nextInt(11);
    if (TRACE) {
      System.out.printf("%s fault %d%s%n", cluster.sim.scheduler().now(), action, cluster.describe());
    }
    switch (action) {
      case 10 -> reconfigure(cluster, random);
      case 0 -> {
        int i = random.nextInt(n);
        if (members.get(i).up) {
          cluster.crash(i);
        }
      }
      case 1, 2 -> {
        for (int i = 0; i < n; i++) {
          if (!members.get(i).up && members.get(i).broken == null) {
            cluster.restart(i);
            break;
          }
        }
      }
      case 3 -> {
        Set<Address> side = new HashSet<>();
        for (SimRaftMember m : members) {
          if (random.nextBoolean()) {
            side.add(m.address);
          }
        }
        Set<Address> other = new HashSet<>();
        members.forEach(m -> other.add(m.address));
        other.removeAll(side);
        if (!side.isEmpty() && !other.isEmpty()) {
          cluster.sim.network().partition(side, other);
        }
      }
      case 4 -> {
        SimRaftMember a = members.get(random.nextInt(n));
        SimRaftMember b = members.get(random.nextInt(n));
        if (a != b) {
          cluster.sim.network().block(a.address, b.address); // one direction only
        }
      }
      case 5 -> {
        // A ring: each member reaches only its neighbours, so majorities overlap but no one sees all.
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            int distance = Math.min(Math.abs(i - j), n - Math.abs(i - j));
            if (distance > 1) {
              cluster.sim.network().block(members.get(i).address, members.get(j).address);
            }
          }
        }
      }
      case 6 -> cluster.sim.network().heal();
      case 7 -> cluster.sim.network().setFaults(NetworkFaults.builder()
          .lossProbability(random.nextDouble() * 0.2)
          .duplicationProbability(random.nextDouble() * 0.1)
          .delay(Duration.ZERO, Duration.ofMillis(1 + random.nextInt(40)))
          .reordering(random.nextBoolean())
          .build());
      case 8 -> cluster.sim.network().setFaults(NetworkFaults.NONE);
      default -> {
        SimRaftMember m = members.get(random.nextInt(n));
        if (m.up && !m.paused()) {
          m.pause(); // a GC pause; resumed later by the scheduler
          cluster.sim.scheduler().schedule(Duration.ofMillis(100 + random.nextInt(600)), () -> {
            if (m.up && m.paused()) {
              m.resume();
            }
          });
        }
      }
    }
  }

  /** One single-server change through the current leader: promote a learner, add a spare, or remove a voter. */
  private static void reconfigure(RaftSimCluster cluster, SplittableRandom random) {
    SimRaftMember leader = cluster.currentLeader();
    if (leader == null) {
      return;
    }
    io.polis.raft.Configuration conf = leader.driver.status().configuration();
    io.polis.raft.ConfigChange change = null;
    if (!conf.learners().isEmpty()) {
      change = new io.polis.raft.ConfigChange(io.polis.raft.ConfigChange.Kind.PROMOTE_LEARNER,
          conf.learners().keySet().iterator().next(), null);
    } else {
      List<SimRaftMember> outside = cluster.members.stream().filter(m -> !conf.contains(m.id)).toList();
      if (!outside.isEmpty() && (conf.voters().size() <= 3 || random.nextBoolean())) {
        SimRaftMember m = outside.get(random.nextInt(outside.size()));
        change = new io.polis.raft.ConfigChange(io.polis.raft.ConfigChange.Kind.ADD_LEARNER, m.id, m.address);
      } else if (conf.voters().size() > 3) {
        List<io.polis.node.MemberId> voters = List.copyOf(conf.voters().keySet());
        change = new io.polis.raft.ConfigChange(io.polis.raft.ConfigChange.Kind.REMOVE,
            voters.get(random.nextInt(voters.size())), null);
      }
    }
    if (change != null) {
      leader.driver.changeConfiguration(change); // may be refused (one change at a time); that is fine
    }
  }
}
