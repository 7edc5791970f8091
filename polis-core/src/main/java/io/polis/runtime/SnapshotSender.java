package io.polis.runtime;

import io.polis.node.MemberId;
import io.polis.raft.SnapshotStore;
import io.polis.raft.StoredSnapshot;
import io.polis.wire.InstallSnapshot;
import io.polis.wire.InstallSnapshotResponse;
import io.polis.wire.RaftMessage;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's side of snapshot transfers (Raft §7): streams the newest snapshot to each member the core
 * named, one chunk in flight per member, going on from whatever offset the member asks for, so a
 * transfer resumes a partial file the member kept. Chunks are read on the snapshot I/O executor; all
 * state lives on the driver thread.
 */
final class SnapshotSender {

  private static final Logger log = LoggerFactory.getLogger(SnapshotSender.class);

  /** What the sender needs from its driver. */
  interface Host {
    MemberId id();

    String group();

    SnapshotStore store();

    /** The newest snapshot durable in the store, or null. */
    StoredSnapshot latestStored();

    long nanos();

    void send(MemberId to, RaftMessage message);

    /** Runs a task on the driver thread. */
    void onDriverThread(Runnable task);

    /** Tells the core a transfer ended. */
    void ended(MemberId to, boolean finished);
  }

  private final Host host;
  private final Executor io;
  private final int chunkBytes;
  private final long timeoutNanos;
  private final long resendNanos;
  private final Map<MemberId, Transfer> transfers = new HashMap<>();

  /**
   * @param timeoutNanos a transfer whose member has not answered for this long is given up
   * @param resendNanos a chunk unanswered for this long is sent again (it or its answer was lost)
   */
  SnapshotSender(Host host, Executor io, int chunkBytes, long timeoutNanos, long resendNanos) {
    this.host = host;
    this.io = io;
    this.chunkBytes = chunkBytes;
    this.timeoutNanos = timeoutNanos;
    this.resendNanos = resendNanos;
  }

  /** Starts a transfer to each member, replacing one already under way (the core asked anew). */
  void start(List<MemberId> targets, long term) {
    for (MemberId to : targets) {
      StoredSnapshot snapshot = host.latestStored();
      if (snapshot == null) {
        log.error("{} cannot send a snapshot to {}: none is stored", host.id().shortForm(), to.shortForm());
        host.ended(to, false);
        continue;
      }
      Transfer t = new Transfer(to, snapshot, term, host.nanos());
      transfers.put(to, t);
      readAndSend(t, 0);
    }
  }

  /** Handles a member's answer to a chunk. */
  void onResponse(MemberId from, InstallSnapshotResponse r) {
    Transfer t = transfers.get(from);
    if (t == null || r.index() != t.snapshot.meta().index() || !t.awaitingAnswer) {
      return; // an answer to an earlier transfer, or duplicated
    }
    t.awaitingAnswer = false;
    t.heardAt = host.nanos();
    if (!r.accepted()) {
      log.info("{} gave up sending snapshot {} to {} at term {}: it refused the transfer", host.id().shortForm(),
          t.snapshot.meta().index(), from.shortForm(), t.term);
      end(t, false);
    } else if (r.nextOffset() >= t.snapshot.size() && t.sentEnd >= t.snapshot.size()) {
      log.info("{} sent snapshot {} ({} bytes) to {} at term {}", host.id().shortForm(), t.snapshot.meta().index(),
          t.snapshot.size(), from.shortForm(), t.term);
      end(t, true);
    } else {
      readAndSend(t, Math.min(r.nextOffset(), t.snapshot.size()));
    }
  }

  /** Gives up transfers that have gone unanswered too long, or that an old leadership started. */
  void tick(boolean leading, long term) {
    long now = host.nanos();
    for (Transfer t : List.copyOf(transfers.values())) {
      if (!leading || term != t.term) {
        transfers.remove(t.to); // the core forgot its progress when the term changed
      } else if (now - t.heardAt > timeoutNanos) {
        log.warn("{} gave up sending snapshot {} to {} at term {}: no answer within {} ms", host.id().shortForm(),
            t.snapshot.meta().index(), t.to.shortForm(), t.term, timeoutNanos / 1_000_000);
        end(t, false);
      } else if (t.awaitingAnswer && t.sentAt != Long.MIN_VALUE && now - t.sentAt > resendNanos) {
        readAndSend(t, t.lastOffset);
      }
    }
  }

  private void readAndSend(Transfer t, long offset) {
    t.awaitingAnswer = true;
    t.lastOffset = offset;
    t.sentAt = Long.MIN_VALUE; // not sent yet: the read is under way
    io.execute(() -> {
      byte[] chunk;
      try {
        chunk = host.store().readChunk(t.snapshot, offset, chunkBytes);
      } catch (IOException | RuntimeException e) {
        host.onDriverThread(() -> {
          if (transfers.get(t.to) == t) {
            log.warn("{} gave up sending snapshot {} to {}: {}", host.id().shortForm(), t.snapshot.meta().index(),
                t.to.shortForm(), e.toString());
            end(t, false);
          }
        });
        return;
      }
      host.onDriverThread(() -> {
        if (transfers.get(t.to) != t) {
          return;
        }
        t.sentEnd = offset + chunk.length;
        t.sentAt = host.nanos();
        host.send(t.to, new InstallSnapshot(host.group(), t.term, t.snapshot.meta().index(), t.snapshot.meta().term(),
            t.snapshot.meta().configuration().encode(), t.snapshot.size(), t.snapshot.crc(), offset, chunk));
      });
    });
  }

  private void end(Transfer t, boolean finished) {
    transfers.remove(t.to);
    host.ended(t.to, finished);
  }

  private static final class Transfer {
    final MemberId to;
    final StoredSnapshot snapshot;
    final long term;
    long heardAt;
    long sentEnd = -1;
    long lastOffset;
    long sentAt = Long.MIN_VALUE;
    boolean awaitingAnswer;

    Transfer(MemberId to, StoredSnapshot snapshot, long term, long now) {
      this.to = to;
      this.snapshot = snapshot;
      this.term = term;
      this.heardAt = now;
    }
  }
}
