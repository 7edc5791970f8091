package io.polis.runtime;

import io.polis.node.MemberId;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Which request numbers of each proposer session were applied recently, so that a command that reaches
 * the log twice (a forwarded proposal the network duplicated) is applied once. Every member sees the same
 * log, so every member skips the same duplicates.
 *
 * <p>Per session it remembers a window of the newest numbers; anything at or below the window's floor
 * counts as seen. A proposer numbers its requests in order, so an old number arriving late is either a
 * duplicate or a request so old its caller has long timed out.
 *
 * <p><b>Expiry.</b> A session is one run of one member's driver, so every restart starts a new one, and a
 * long-lived group would otherwise keep the windows of dead runs forever, in memory and in every snapshot.
 * Sessions expire as in Raft's client sessions (Ongaro's thesis, §6.3), decided by the log alone so that
 * every member drops the same sessions at the same entry, whether it replayed the log or restored a
 * snapshot: each session remembers the index of the last command of it applied, and when a command is
 * applied, sessions are dropped, least recently applied first, while there are more than
 * {@value #MAX_SESSIONS} or the least recent was last applied {@value #IDLE_ENTRIES} or more entries ago.
 *
 * <p>The defaults: a group has a few members, each with one live session, so {@value #MAX_SESSIONS}
 * sessions leave room for hundreds of restarts per member while bounding the table (a window holds at most
 * {@value #WINDOW} numbers, 32 KiB in a snapshot) to some 32 MiB at the very worst. A duplicate arrives
 * within moments of its original (a resend by the network or a reconnecting link, and only in the term
 * it was proposed in), far less than {@value #IDLE_ENTRIES} entries later even at a hundred thousand
 * writes a second. The price of expiry: a duplicate of a command of an expired session would be applied
 * again, as the thesis notes; a live session is never expired while it proposes. The limits are part of
 * the replicated rules: members with different limits could disagree on a duplicate, so changing them
 * goes with a new {@link SnapshotEnvelope} version.
 */
final class AppliedRequests {

  /** Sessions kept at most; the least recently applied goes first. */
  static final int MAX_SESSIONS = 1_000;
  /** Applied entries after which a session with no command among them is dropped. */
  static final long IDLE_ENTRIES = 1_000_000;
  private static final int WINDOW = 4096;

  private final int maxSessions;
  private final long idleEntries;
  /** Least recently applied first: a session moves to the end whenever a command of it is applied. */
  private final LinkedHashMap<MemberId, Window> windows = new LinkedHashMap<>();

  AppliedRequests() {
    this(MAX_SESSIONS, IDLE_ENTRIES);
  }

  /** With other limits, for tests that reach them quickly. */
  AppliedRequests(int maxSessions, long idleEntries) {
    if (maxSessions < 1 || idleEntries < 1) {
      throw new IllegalArgumentException("at least one session and one entry, was " + maxSessions + " sessions and "
          + idleEntries + " entries");
    }
    this.maxSessions = maxSessions;
    this.idleEntries = idleEntries;
  }

  /** A deep copy, for a snapshot written while this one goes on changing. */
  AppliedRequests copy() {
    AppliedRequests copy = new AppliedRequests(maxSessions, idleEntries);
    windows.forEach((origin, w) -> copy.windows.put(origin, w.copy()));
    return copy;
  }

  /** @return how many sessions are remembered */
  int sessions() {
    return windows.size();
  }

  /**
   * Writes the sessions, least recently applied first; every member writes the same bytes for the same
   * log.
   */
  void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(windows.size());
    for (Map.Entry<MemberId, Window> e : windows.entrySet()) {
      Window w = e.getValue();
      out.writeLong(e.getKey().value().getMostSignificantBits());
      out.writeLong(e.getKey().value().getLeastSignificantBits());
      out.writeLong(w.lastIndex);
      out.writeLong(w.floor);
      out.writeInt(w.seen.size());
      for (long sequence : w.seen) {
        out.writeLong(sequence);
      }
    }
  }

  /**
   * Reads what {@link #writeTo} wrote.
   *
   * @throws IOException if the bytes cannot have been written by {@link #writeTo} with this build's limits
   */
  static AppliedRequests readFrom(DataInputStream in) throws IOException {
    return readFrom(in, MAX_SESSIONS, IDLE_ENTRIES);
  }

  /** Reads what {@link #writeTo} wrote, with other limits, for tests. */
  static AppliedRequests readFrom(DataInputStream in, int maxSessions, long idleEntries) throws IOException {
    AppliedRequests read = new AppliedRequests(maxSessions, idleEntries);
    int sessions = in.readInt();
    if (sessions < 0 || sessions > read.maxSessions) {
      throw new IOException("snapshot names " + sessions + " proposer sessions, at most " + read.maxSessions
          + " expected");
    }
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < sessions; i++) {
      MemberId origin = new MemberId(new UUID(in.readLong(), in.readLong()));
      Window w = new Window();
      w.lastIndex = in.readLong();
      if (w.lastIndex <= previous) {
        // The order is what expiry goes by; out of order, members restored from this would drop others.
        throw new IOException("snapshot lists proposer sessions out of order: last applied at " + w.lastIndex
            + " after one at " + previous);
      }
      previous = w.lastIndex;
      w.floor = in.readLong();
      int count = in.readInt();
      if (count < 0 || count > WINDOW) {
        throw new IOException("snapshot holds " + count + " request numbers for one proposer, at most " + WINDOW
            + " expected");
      }
      for (int j = 0; j < count; j++) {
        w.seen.add(in.readLong());
      }
      if (read.windows.put(origin, w) != null) {
        throw new IOException("snapshot names proposer session " + origin + " twice");
      }
    }
    return read;
  }

  /**
   * Records a request being applied, then expires sessions (see the class comment).
   *
   * @param origin the proposer session
   * @param sequence the request's number in that session
   * @param index the log index of the entry being applied; higher than every earlier call's
   * @return false if the request was already applied
   */
  boolean firstTime(MemberId origin, long sequence, long index) {
    Window w = windows.remove(origin); // put back at the end: now the most recently applied
    if (w == null) {
      w = new Window();
    }
    windows.put(origin, w);
    w.lastIndex = index;
    boolean first = w.add(sequence);
    expire(index);
    return first;
  }

  /** Drops the least recently applied sessions while over the cap or idle too long; never the newest. */
  private void expire(long index) {
    Iterator<Window> oldestFirst = windows.values().iterator();
    while (oldestFirst.hasNext()) {
      Window oldest = oldestFirst.next();
      if (windows.size() <= maxSessions && index - oldest.lastIndex < idleEntries) {
        return;
      }
      oldestFirst.remove();
    }
  }

  private static final class Window {
    private final TreeSet<Long> seen = new TreeSet<>();
    private long floor;
    private long lastIndex;

    Window copy() {
      Window copy = new Window();
      copy.seen.addAll(seen);
      copy.floor = floor;
      copy.lastIndex = lastIndex;
      return copy;
    }

    boolean add(long sequence) {
      if (sequence <= floor || !seen.add(sequence)) {
        return false;
      }
      if (seen.size() > WINDOW) {
        floor = seen.pollFirst();
      }
      return true;
    }
  }
}
