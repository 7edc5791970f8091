package io.polis.runtime;

import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.RaftCore;
import io.polis.raft.RaftRole;
import io.polis.raft.SnapshotMeta;
import io.polis.raft.SnapshotReceiver;
import io.polis.raft.SnapshotStore;
import io.polis.raft.StoredSnapshot;
import io.polis.wire.InstallSnapshot;
import io.polis.wire.InstallSnapshotResponse;
import io.polis.wire.RaftMessage;
import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower's side of snapshot transfers (Raft §7): writes the chunks its leader sends into the
 * {@link SnapshotStore}, answers each with the offset it wants next, and once the whole snapshot is there
 * and its checksum holds, offers it to the core, which decides whether to install it. Runs on the driver
 * thread; a chunk is written to the page cache there, the one force happens at the end.
 */
final class SnapshotInstaller {

  private static final Logger log = LoggerFactory.getLogger(SnapshotInstaller.class);

  private final MemberId id;
  private final String group;
  private final SnapshotStore store;
  private final RaftCore core;
  private final BiConsumer<MemberId, RaftMessage> send;
  private final Consumer<StoredSnapshot> received;
  private @Nullable Incoming incoming;

  /**
   * @param received told of a snapshot that is whole and durable in the store, before the core sees it
   */
  SnapshotInstaller(MemberId id, String group, SnapshotStore store, RaftCore core,
      BiConsumer<MemberId, RaftMessage> send, Consumer<StoredSnapshot> received) {
    this.id = id;
    this.group = group;
    this.store = store;
    this.core = core;
    this.send = send;
    this.received = received;
  }

  void onChunk(MemberId from, InstallSnapshot m) {
    if (m.term() != core.term() || core.role() != RaftRole.FOLLOWER
        || (core.leader() != null && !from.equals(core.leader()))) {
      log.debug("{} refused a snapshot chunk from {} at term {}: not its leader at term {}", id.shortForm(),
          from.shortForm(), m.term(), core.term());
      answer(from, m, false, 0);
      return;
    }
    if (m.index() <= core.commitIndex()) {
      answer(from, m, true, m.totalBytes()); // it already has all of it: the leader can move on
      return;
    }
    try {
      SnapshotReceiver receiver = receiverFor(m);
      if (m.offset() != receiver.nextOffset()) {
        answer(from, m, true, receiver.nextOffset()); // resume (or a duplicate): send from there
        return;
      }
      receiver.write(m.offset(), m.chunk());
      if (receiver.nextOffset() < m.totalBytes()) {
        answer(from, m, true, receiver.nextOffset());
        return;
      }
      incoming = null;
      StoredSnapshot snapshot = receiver.finish();
      log.info("{} received snapshot {} (term {}, {} bytes) from {} at term {}", id.shortForm(), m.index(),
          m.snapshotTerm(), m.totalBytes(), from.shortForm(), m.term());
      received.accept(snapshot);
      core.offerSnapshot(from, m.term(), snapshot.meta());
      answer(from, m, true, m.totalBytes());
    } catch (IOException | IllegalArgumentException e) {
      log.warn("{} dropped snapshot {} from {} at term {}: {}", id.shortForm(), m.index(), from.shortForm(), m.term(),
          e.getMessage());
      abort();
      answer(from, m, false, 0);
    }
  }

  private SnapshotReceiver receiverFor(InstallSnapshot m) throws IOException {
    if (incoming != null && incoming.matches(m)) {
      return incoming.receiver;
    }
    abort();
    SnapshotMeta meta = new SnapshotMeta(m.index(), m.snapshotTerm(), Configuration.decode(m.configuration()));
    incoming = new Incoming(m, store.receive(meta, m.totalBytes(), m.crc()));
    return incoming.receiver;
  }

  private void abort() {
    if (incoming != null) {
      try {
        incoming.receiver.abort();
      } catch (IOException | RuntimeException e) {
        log.warn("{} could not discard a partial snapshot: {}", id.shortForm(), e.toString());
      }
      incoming = null;
    }
  }

  private void answer(MemberId to, InstallSnapshot m, boolean accepted, long nextOffset) {
    send.accept(to, new InstallSnapshotResponse(group, core.term(), m.index(), accepted, nextOffset));
  }

  private static final class Incoming {
    final long index;
    final long term;
    final long totalBytes;
    final int crc;
    final SnapshotReceiver receiver;

    Incoming(InstallSnapshot m, SnapshotReceiver receiver) {
      this.index = m.index();
      this.term = m.snapshotTerm();
      this.totalBytes = m.totalBytes();
      this.crc = m.crc();
      this.receiver = receiver;
    }

    boolean matches(InstallSnapshot m) {
      return m.index() == index && m.snapshotTerm() == term && m.totalBytes() == totalBytes && m.crc() == crc;
    }
  }
}
