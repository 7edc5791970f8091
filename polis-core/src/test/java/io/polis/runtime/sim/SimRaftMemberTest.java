package io.polis.runtime.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.kv.KvStateMachine;
import io.polis.raft.FileStorageConfig;
import io.polis.raft.SimulatedDisk;
import io.polis.runtime.RaftDriverConfig;
import io.polis.sim.Simulation;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle of one simulated member: what a crash leaves running, and what it must not. */
class SimRaftMemberTest {

  @TempDir
  Path dir;

  /**
   * A GC pause ends and the member crashes before the simulator gets to the work the pause held back.
   * That work belongs to the crashed run and must be dropped with the rest of it: run, it drove the old
   * driver on the store the crash had abandoned ("the Raft log in ... is closed", thrown from the
   * driver's status update), or, on in-memory storage, wrote to the log its next run restarts from.
   */
  @Test
  void workHeldByAPauseDiesWithACrashThatFollowsTheResume() {
    Simulation sim = new Simulation(7);
    SimulatedDisk disk = new SimulatedDisk(sim.fork(), new SimulatedDisk.Options(true, true));
    RaftSimCluster cluster = new RaftSimCluster(sim, 3, 0, RaftDriverConfig.defaults(), m -> new KvStateMachine(),
        new SimRaftMember.OnDisk(disk, dir, FileStorageConfig.defaults()));
    try {
      cluster.run(Duration.ofSeconds(2));
      SimRaftMember member = cluster.members.get(0);
      member.pause();
      cluster.run(Duration.ofMillis(300)); // its ticks and messages fall due and are held

      member.resume();
      cluster.crash(0);
      cluster.run(Duration.ofMillis(500));

      assertThat(sim.scheduler().failures()).as("tasks that threw").isEmpty();
      assertThat(cluster.restart(0)).isTrue();
      cluster.run(Duration.ofSeconds(2));
      assertThat(sim.scheduler().failures()).as("tasks that threw").isEmpty();
    } finally {
      for (SimRaftMember m : cluster.members) {
        if (m.up) {
          m.crash(); // releases the directory lock
        }
      }
    }
  }
}
