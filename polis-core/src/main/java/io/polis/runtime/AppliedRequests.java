package io.polis.runtime;

import io.polis.node.MemberId;
import java.util.HashMap;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.TreeSet;

/**
 * Which request numbers of each proposer were applied recently, so that a command that reaches the log
 * twice (a forwarded proposal the network duplicated) is applied once. Every member sees the same log,
 * so every member skips the same duplicates.
 *
 * <p>Per proposer it remembers a window of the newest numbers; anything at or below the window's floor
 * counts as seen. A proposer numbers its requests in order, so an old number arriving late is either a
 * duplicate or a request so old its caller has long timed out.
 */
final class AppliedRequests {

  private static final int WINDOW = 4096;

  private final Map<MemberId, Window> windows = new HashMap<>();

  /** A deep copy, for a snapshot written while this one goes on changing. */
  AppliedRequests copy() {
    AppliedRequests copy = new AppliedRequests();
    windows.forEach((origin, w) -> copy.windows.put(origin, w.copy()));
    return copy;
  }

  /** Writes the windows; every member writes the same bytes for the same log, in proposer order. */
  void writeTo(DataOutputStream out) throws IOException {
    List<MemberId> origins = new ArrayList<>(windows.keySet());
    Collections.sort(origins);
    out.writeInt(origins.size());
    for (MemberId origin : origins) {
      Window w = windows.get(origin);
      out.writeLong(origin.value().getMostSignificantBits());
      out.writeLong(origin.value().getLeastSignificantBits());
      out.writeLong(w.floor);
      out.writeInt(w.seen.size());
      for (long sequence : w.seen) {
        out.writeLong(sequence);
      }
    }
  }

  /** Reads what {@link #writeTo} wrote. */
  static AppliedRequests readFrom(DataInputStream in) throws IOException {
    AppliedRequests read = new AppliedRequests();
    int origins = in.readInt();
    if (origins < 0) {
      throw new IOException("snapshot names " + origins + " proposers");
    }
    for (int i = 0; i < origins; i++) {
      MemberId origin = new MemberId(new UUID(in.readLong(), in.readLong()));
      Window w = new Window();
      w.floor = in.readLong();
      int count = in.readInt();
      if (count < 0 || count > WINDOW) {
        throw new IOException("snapshot holds " + count + " request numbers for one proposer, at most " + WINDOW
            + " expected");
      }
      for (int j = 0; j < count; j++) {
        w.seen.add(in.readLong());
      }
      read.windows.put(origin, w);
    }
    return read;
  }

  /** Records a request; returns false if it was already applied. */
  boolean firstTime(MemberId origin, long sequence) {
    return windows.computeIfAbsent(origin, k -> new Window()).add(sequence);
  }

  private static final class Window {
    private final TreeSet<Long> seen = new TreeSet<>();
    private long floor;

    Window copy() {
      Window copy = new Window();
      copy.seen.addAll(seen);
      copy.floor = floor;
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
