package io.polis.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.InMemoryRaftStorage;
import io.polis.raft.InMemorySnapshotStore;
import io.polis.raft.RaftConfig;
import io.polis.raft.RaftCore;
import io.polis.raft.RaftRole;
import io.polis.raft.SnapshotMeta;
import io.polis.raft.SnapshotStore;
import io.polis.raft.StoredSnapshot;
import io.polis.wire.InstallSnapshot;
import io.polis.wire.InstallSnapshotResponse;
import io.polis.wire.RaftHeartbeat;
import io.polis.wire.RaftMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The chunked transfer between a leader's {@link SnapshotSender} and a follower's
 * {@link SnapshotInstaller}, message by message: resumed where the follower's partial snapshot ends
 * after the follower restarts, and refused whole when a chunk was damaged on the way.
 */
class SnapshotTransferTest {

  private static final MemberId LEADER = new MemberId(new UUID(0, 1));
  private static final MemberId FOLLOWER = new MemberId(new UUID(0, 2));
  private static final int SIZE = 1000;
  private static final int CHUNK = 10;

  private final InMemorySnapshotStore leaderStore = new InMemorySnapshotStore();
  private final InMemorySnapshotStore followerStore = new InMemorySnapshotStore();
  private final ArrayDeque<RaftMessage> toFollower = new ArrayDeque<>();
  private final ArrayDeque<RaftMessage> toLeader = new ArrayDeque<>();
  private final List<Boolean> ended = new ArrayList<>();
  private final StoredSnapshot snapshot;
  private final SnapshotSender sender;
  private SnapshotInstaller installer;
  private long chunkBytesSent;

  SnapshotTransferTest() throws Exception {
    Map<MemberId, Address> voters = new LinkedHashMap<>();
    voters.put(LEADER, new Address("127.0.0.1", 1));
    voters.put(FOLLOWER, new Address("127.0.0.1", 2));
    byte[] state = new byte[SIZE];
    new SplittableRandom(7).nextBytes(state);
    snapshot = leaderStore.save(new SnapshotMeta(50, 1, new Configuration(voters, Map.of())), out -> out.write(state));
    sender = new SnapshotSender(new Host(), Runnable::run, CHUNK, Long.MAX_VALUE, Long.MAX_VALUE);
    installer = followerAt(snapshot.meta().configuration());
  }

  /** A follower (re)started with an empty log, that has heard its leader of term 1. */
  private SnapshotInstaller followerAt(Configuration configuration) {
    RaftCore core = new RaftCore(FOLLOWER, "g", RaftConfig.defaults(), new InMemoryRaftStorage(), configuration,
        new SplittableRandom(1));
    core.step(LEADER, new RaftHeartbeat("g", 1, 0, 0));
    core.ready();
    assertThat(core.role()).isEqualTo(RaftRole.FOLLOWER);
    return new SnapshotInstaller(FOLLOWER, "g", followerStore, core, (to, m) -> toLeader.add(m), stored -> { });
  }

  /** Delivers messages both ways, at most {@code chunks} chunks to the follower; tampers with chunks on the way. */
  private void pump(int chunks, UnaryOperator<InstallSnapshot> onTheWay) {
    int delivered = 0;
    while (!toFollower.isEmpty() || !toLeader.isEmpty()) {
      if (!toLeader.isEmpty()) {
        sender.onResponse(FOLLOWER, (InstallSnapshotResponse) toLeader.poll());
        continue;
      }
      if (delivered++ == chunks) {
        toFollower.clear(); // the connection drops
        return;
      }
      installer.onChunk(LEADER, onTheWay.apply((InstallSnapshot) toFollower.poll()));
    }
  }

  @Test
  void aTransferCutByAFollowerRestartResumesWhereItsPartialSnapshotEnds() throws Exception {
    sender.start(List.of(FOLLOWER), 1);
    pump(60, m -> m);
    assertThat(ended).isEmpty();

    installer = followerAt(snapshot.meta().configuration()); // restarted: same store, fresh core
    long sentBefore = chunkBytesSent;
    sender.start(List.of(FOLLOWER), 1); // the leader asks anew, from offset 0
    pump(Integer.MAX_VALUE, m -> m);

    assertThat(ended).containsExactly(true);
    assertThat(chunkBytesSent - sentBefore).as("bytes sent after the restart")
        .isBetween((long) SIZE - 60 * CHUNK, (long) SIZE - 60 * CHUNK + 2 * CHUNK);
    StoredSnapshot received = followerStore.latest().orElseThrow();
    assertThat(received.crc()).isEqualTo(snapshot.crc());
    assertThat(followerStore.openState(received).readAllBytes())
        .isEqualTo(leaderStore.openState(snapshot).readAllBytes());
  }

  @Test
  void aChunkDamagedOnTheWayFailsTheChecksumAndNothingIsInstalled() throws Exception {
    sender.start(List.of(FOLLOWER), 1);
    pump(Integer.MAX_VALUE, m -> {
      if (m.offset() != 500 || m.chunk().length == 0) {
        return m;
      }
      byte[] flipped = m.chunk().clone();
      flipped[3] ^= 1;
      return new InstallSnapshot(m.group(), m.term(), m.index(), m.snapshotTerm(), m.configuration(),
          m.totalBytes(), m.crc(), m.offset(), flipped);
    });

    assertThat(ended).containsExactly(false);
    assertThat(followerStore.latest()).isEmpty();
  }

  @Test
  void aFollowerOfAnotherTermRefusesTheTransfer() {
    sender.start(List.of(FOLLOWER), 2); // a leader of term 2; the follower knows term 1
    List<InstallSnapshot> retermed = new ArrayList<>();
    pump(Integer.MAX_VALUE, m -> {
      retermed.add(m);
      return m;
    });

    assertThat(ended).containsExactly(false);
    assertThat(retermed).hasSize(1);
  }

  private final class Host implements SnapshotSender.Host {
    @Override
    public MemberId id() {
      return LEADER;
    }

    @Override
    public String group() {
      return "g";
    }

    @Override
    public SnapshotStore store() {
      return leaderStore;
    }

    @Override
    public StoredSnapshot latestStored() {
      return snapshot;
    }

    @Override
    public long nanos() {
      return 0;
    }

    @Override
    public void send(MemberId to, RaftMessage message) {
      chunkBytesSent += ((InstallSnapshot) message).chunk().length;
      toFollower.add(message);
    }

    @Override
    public void onDriverThread(Runnable task) {
      task.run();
    }

    @Override
    public void ended(MemberId to, boolean finished) {
      ended.add(finished);
    }
  }
}
