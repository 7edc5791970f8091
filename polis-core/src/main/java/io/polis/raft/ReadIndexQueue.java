package io.polis.raft;

import io.polis.node.MemberId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A leader's linearizable reads waiting for proof that it still leads (Raft thesis §6.4). Heartbeats are
 * numbered in rounds; a read waits for a round sent after it arrived, and is answered once a majority
 * of voters has acknowledged that round or a later one. One round serves every read that arrived before
 * it was sent.
 */
final class ReadIndexQueue {

  /** A read and who asked: null for this member's own client. */
  record PendingRead(long context, @Nullable MemberId requester, long index, long round) {}

  private final ArrayDeque<PendingRead> pending = new ArrayDeque<>();
  private final List<PendingRead> waitingForCommit = new ArrayList<>();
  /** Send tick of each recent round, for lease reads. */
  private final TreeMap<Long, Long> sentTicks = new TreeMap<>();
  private long round;

  long round() {
    return round;
  }

  /** Numbers a new heartbeat round sent at {@code tick}; forgets rounds older than {@code horizon} ticks. */
  long newRound(long tick, long horizon) {
    round++;
    sentTicks.put(round, tick);
    while (sentTicks.size() > 1 && sentTicks.firstEntry().getValue() < tick - horizon) {
      sentTicks.pollFirstEntry();
    }
    return round;
  }

  /** The tick at which a round was sent, or null if forgotten. */
  @Nullable Long sentTick(long round) {
    return sentTicks.get(round);
  }

  void await(PendingRead read) {
    pending.addLast(read);
  }

  /** A read that arrived before the leader committed an entry of its term: its commit index is not yet known to be current. */
  void awaitCommit(long context, @Nullable MemberId requester) {
    waitingForCommit.add(new PendingRead(context, requester, 0, 0));
  }

  List<PendingRead> takeWaitingForCommit() {
    List<PendingRead> out = List.copyOf(waitingForCommit);
    waitingForCommit.clear();
    return out;
  }

  /** Removes and returns the reads whose round a majority has now acknowledged. */
  List<PendingRead> confirmed(long quorumRound) {
    List<PendingRead> out = new ArrayList<>();
    while (!pending.isEmpty() && pending.peekFirst().round() <= quorumRound) {
      out.add(pending.removeFirst());
    }
    return out;
  }
}
