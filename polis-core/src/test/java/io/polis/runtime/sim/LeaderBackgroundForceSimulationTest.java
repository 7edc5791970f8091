package io.polis.runtime.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.KeyValueStore.PutResult;
import io.polis.ReadConsistency;
import io.polis.Versioned;
import io.polis.kv.KvStateMachine;
import io.polis.kv.ReplicatedKeyValueStore;
import io.polis.raft.FileStorageConfig;
import io.polis.raft.SimulatedDisk;
import io.polis.runtime.RaftDriverConfig;
import io.polis.sim.Simulation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members on the file store (sync always) on a {@link SimulatedDisk}, with the leader's own forces
 * held back: its followers' forces commit its writes, and a crash before its force loses only entries it
 * never counted, which the group still holds.
 */
class LeaderBackgroundForceSimulationTest {

  @TempDir
  Path directory;

  @Test
  void aLeaderThatCrashesBeforeItsOwnForceLosesOnlyEntriesTheFollowersCommitted() {
    Simulation sim = new Simulation(7);
    // A crash keeps nothing unforced: the leader's unforced writes are all lost.
    SimulatedDisk disk = new SimulatedDisk(new SplittableRandom(7), new SimulatedDisk.Options(false, false));
    RaftSimCluster cluster = new RaftSimCluster(sim, 3, 0, RaftDriverConfig.defaults(), m -> new KvStateMachine(),
        new SimRaftMember.OnDisk(disk, directory, FileStorageConfig.defaults()));
    cluster.run(Duration.ofSeconds(2));
    SimRaftMember leader = cluster.agreedLeader();
    assertThat(leader).isNotNull();
    long durableBefore = leader.storage.lastIndex();
    leader.holdForces = true;

    CompletableFuture<PutResult> put = store(leader).put("k", "v".getBytes(StandardCharsets.UTF_8));
    cluster.run(Duration.ofMillis(50));

    assertThat(put).as("committed by the two followers' forces").isCompleted();
    assertThat(leader.heldForces).as("while the leader's own force waits").isNotEmpty();
    long committed = leader.driver.status().commitIndex();
    assertThat(committed).isGreaterThan(durableBefore);

    int index = cluster.members.indexOf(leader);
    cluster.crash(index);
    assertThat(disk.droppedBytes()).as("the crash took back the leader's unforced writes").isPositive();
    assertThat(cluster.restart(index)).isTrue();
    assertThat(leader.storage.lastIndex()).as("the restarted leader's log").isLessThan(committed);

    cluster.run(Duration.ofSeconds(3));
    SimRaftMember next = cluster.agreedLeader();
    assertThat(next).isNotNull();
    CompletableFuture<Versioned> read = store(next).get("k", ReadConsistency.LINEARIZABLE);
    cluster.run(Duration.ofMillis(100));
    assertThat(new String(read.join().value(), StandardCharsets.UTF_8)).isEqualTo("v");
    assertThat(leader.storage.lastIndex()).as("caught up again from the group").isGreaterThanOrEqualTo(committed);
  }

  private static ReplicatedKeyValueStore store(SimRaftMember m) {
    return new ReplicatedKeyValueStore(m.driver, (KvStateMachine) m.machine);
  }
}
