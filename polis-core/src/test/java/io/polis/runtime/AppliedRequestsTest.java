package io.polis.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.node.MemberId;
import io.polis.raft.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Duplicate detection per proposer session, and sessions expiring by the log alone. */
class AppliedRequestsTest {

  private static final int MAX = 8;
  private static final long IDLE = 200;

  /** One applied command: its session, its number there, and the log index it was applied at. */
  private record Command(MemberId origin, long sequence, long index) {}

  /**
   * Commands of 40 sessions, some of them restarted ones that stop for good, each session numbering its own,
   * with some delivered twice; the indexes leave gaps, as other entries (no-ops, configurations) do.
   */
  private static List<Command> log(long seed, int count) {
    SplittableRandom random = new SplittableRandom(seed);
    List<MemberId> sessions = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      sessions.add(MemberId.random(random));
    }
    Map<MemberId, Long> next = new HashMap<>();
    List<Command> log = new ArrayList<>();
    long index = 0;
    for (int i = 0; i < count; i++) {
      index += 1 + random.nextInt(3);
      // Mostly a few busy sessions, sometimes any of the others; a session's turn ends for good at random.
      MemberId origin = sessions.get(random.nextInt(4) > 0 ? random.nextInt(5) : random.nextInt(sessions.size()));
      if (random.nextInt(10) == 0 && !log.isEmpty()) {
        Command earlier = log.get(log.size() - 1 - random.nextInt(Math.min(log.size(), 20)));
        log.add(new Command(earlier.origin(), earlier.sequence(), index)); // a duplicate, a little later
      } else {
        long sequence = next.merge(origin, 1L, Long::sum);
        log.add(new Command(origin, sequence, index));
      }
      if (random.nextInt(50) == 0) {
        sessions.set(random.nextInt(sessions.size()), MemberId.random(random)); // a restart: a new session
      }
    }
    return log;
  }

  private static List<Boolean> apply(AppliedRequests requests, List<Command> commands) {
    List<Boolean> first = new ArrayList<>();
    for (Command c : commands) {
      first.add(requests.firstTime(c.origin(), c.sequence(), c.index()));
    }
    return first;
  }

  private static byte[] bytes(AppliedRequests requests) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataOutputStream data = new DataOutputStream(out)) {
      requests.writeTo(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static AppliedRequests read(byte[] bytes) throws IOException {
    return AppliedRequests.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)), MAX, IDLE);
  }

  /**
   * Two members applying the same log keep and drop the same sessions at the same entries, and write the
   * same bytes at every point; so does a member restored from a snapshot halfway and applying the rest.
   */
  @Test
  void membersApplyingTheSameLogExpireTheSameSessionsAndWriteTheSameBytes() throws IOException {
    List<Command> log = log(1, 5_000);
    AppliedRequests a = new AppliedRequests(MAX, IDLE);
    AppliedRequests b = new AppliedRequests(MAX, IDLE);
    AppliedRequests restored = null;
    for (int from = 0; from < log.size(); from += 250) {
      List<Command> slice = log.subList(from, Math.min(from + 250, log.size()));
      List<Boolean> answersOfA = apply(a, slice);
      assertThat(apply(b, slice)).isEqualTo(answersOfA);
      if (restored != null) {
        assertThat(apply(restored, slice)).as("answers after the restore").isEqualTo(answersOfA);
      }
      assertThat(bytes(b)).isEqualTo(bytes(a));
      if (restored != null) {
        assertThat(bytes(restored)).isEqualTo(bytes(a));
      }
      if (from == 2_500) {
        restored = read(bytes(a.copy()));
      }
    }
    assertThat(a.sessions()).isBetween(1, MAX);
  }

  /**
   * A live session keeps proposing, so it stays among the most recently applied while dead sessions churn
   * through the table and out of it; a duplicate of its command is caught, also after a restore.
   */
  @Test
  void aDuplicateOfALiveSessionIsCaughtWhileDeadSessionsChurnThroughTheTable() throws IOException {
    AppliedRequests requests = new AppliedRequests(MAX, IDLE);
    SplittableRandom random = new SplittableRandom(2);
    MemberId live = MemberId.random(random);
    long index = 0;
    for (long sequence = 1; sequence <= 1_000; sequence++) {
      assertThat(requests.firstTime(live, sequence, ++index)).isTrue();
      // Between its command and the duplicate, as many new sessions as fit beside it; each pushes an older
      // one out, so the table holds dead ones only briefly.
      for (int i = 0; i < MAX - 1; i++) {
        requests.firstTime(MemberId.random(random), 1, ++index);
      }
      assertThat(requests.firstTime(live, sequence, ++index)).as("a duplicate of %d", sequence).isFalse();
      assertThat(requests.sessions()).isLessThanOrEqualTo(MAX);
    }

    AppliedRequests restored = read(bytes(requests));
    assertThat(restored.firstTime(live, 1_000, ++index)).as("a duplicate after a restore").isFalse();
    assertThat(restored.firstTime(live, 1_001, ++index)).isTrue();
  }

  @Test
  void theTableStaysBoundedByTheCapAndForgetsIdleSessions() {
    AppliedRequests requests = new AppliedRequests();
    SplittableRandom random = new SplittableRandom(3);
    long index = 0;
    for (int i = 0; i < 20_000; i++) {
      requests.firstTime(MemberId.random(random), 1, ++index); // a new session each time: restarts without end
    }
    assertThat(requests.sessions()).isEqualTo(AppliedRequests.MAX_SESSIONS);

    AppliedRequests idle = new AppliedRequests(MAX, IDLE);
    MemberId quiet = MemberId.random(random);
    MemberId busy = MemberId.random(random);
    idle.firstTime(quiet, 1, 1);
    idle.firstTime(busy, 1, 2);
    idle.firstTime(busy, 2, IDLE); // the quiet one was last applied IDLE - 1 entries ago: kept
    assertThat(idle.sessions()).isEqualTo(2);
    idle.firstTime(busy, 3, 1 + IDLE); // IDLE entries ago: dropped
    assertThat(idle.sessions()).isEqualTo(1);
    // What expiry costs: its old number is no longer known. Only the log decides, so every member agrees.
    assertThat(idle.firstTime(quiet, 1, 2 + IDLE)).isTrue();
  }

  @Test
  void aSnapshotOfAnotherLayoutVersionIsRefusedSayingWhatToDo() throws IOException {
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    SnapshotEnvelope.of(new AppliedRequests(), out -> out.write(42)).writeTo(written);
    byte[] current = written.toByteArray();
    assertThat(current[4]).as("the version byte").isEqualTo((byte) SnapshotEnvelope.VERSION);
    Recording machine = new Recording();
    assertThat(SnapshotEnvelope.restore(new ByteArrayInputStream(current), machine).sessions()).isZero();
    assertThat(machine.restored).isEqualTo(42);

    byte[] older = current.clone();
    older[4] = 1;
    assertThatThrownBy(() -> SnapshotEnvelope.restore(new ByteArrayInputStream(older), new Recording()))
        .isInstanceOf(IOException.class).hasMessageContaining("version 1 is not supported")
        .hasMessageContaining("reads version " + SnapshotEnvelope.VERSION).hasMessageContaining("empty data directory");
    byte[] newer = current.clone();
    newer[4] = (byte) (SnapshotEnvelope.VERSION + 1);
    assertThatThrownBy(() -> SnapshotEnvelope.restore(new ByteArrayInputStream(newer), new Recording()))
        .isInstanceOf(IOException.class).hasMessageContaining("version " + (SnapshotEnvelope.VERSION + 1))
        .hasMessageContaining("a later build");
  }

  @Test
  void aSessionTableOutOfOrderIsRefused() {
    MemberId a = MemberId.random(new SplittableRandom(4));
    MemberId b = MemberId.random(new SplittableRandom(5));
    AppliedRequests requests = new AppliedRequests(MAX, IDLE);
    requests.firstTime(a, 1, 10);
    requests.firstTime(b, 1, 20);
    byte[] bytes = bytes(requests);
    // Swap the two last-applied indexes (each after a 16-byte id; a session's record is 16 + 8 + 8 + 4 + 8).
    long first = readLong(bytes, 4 + 16);
    long second = readLong(bytes, 4 + 44 + 16);
    writeLong(bytes, 4 + 16, second);
    writeLong(bytes, 4 + 44 + 16, first);

    assertThatThrownBy(() -> read(bytes)).isInstanceOf(IOException.class).hasMessageContaining("out of order");
  }

  private static long readLong(byte[] bytes, int at) {
    return java.nio.ByteBuffer.wrap(bytes).getLong(at);
  }

  private static void writeLong(byte[] bytes, int at, long value) {
    java.nio.ByteBuffer.wrap(bytes).putLong(at, value);
  }

  /** Remembers the one byte a snapshot's state holds. */
  private static final class Recording implements StateMachine {
    int restored = -1;

    @Override
    public byte[] apply(long index, byte[] command) {
      return command;
    }

    @Override
    public void restore(InputStream in) throws IOException {
      restored = in.read();
    }
  }
}
