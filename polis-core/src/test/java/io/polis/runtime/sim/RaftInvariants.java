package io.polis.runtime.sim;

import io.polis.node.MemberId;
import io.polis.raft.RaftRole;
import io.polis.raft.RaftStatus;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The safety properties of Raft (paper Figure 3), checked against what the simulated members show after
 * every step: election safety, leader append-only, log matching, leader completeness, state machine
 * safety, and terms, commit and applied indexes that never go backwards.
 */
final class RaftInvariants {

  private final Map<Long, MemberId> leaderByTerm = new HashMap<>();
  /** Terms of the leader's log when last seen, from index {@code leaderLogBase + 1}. */
  private final Map<MemberId, long[]> leaderLog = new HashMap<>();
  private final Map<MemberId, Long> leaderLogBase = new HashMap<>();
  private final Map<MemberId, Long> leaderLogTerm = new HashMap<>();
  private final Map<Long, Long> committedTerm = new HashMap<>();
  private final Map<Long, Integer> committedData = new HashMap<>();
  /**
   * For each committed index, the lowest term of a member that applied it: at least the term in which it
   * was committed (a member learns a commit only from a leader of its own term), so leaders of higher
   * terms must hold it. A deposed leader of an older term may still be seen leading without it.
   */
  private final Map<Long, Long> commitTerm = new HashMap<>();
  private long steps;

  /** Called by a member's state machine wrapper for each applied command. */
  void applied(SimRaftMember m, long index, byte[] payload) {
    long term = m.storage.term(index);
    commitTerm.merge(index, m.storage.hardState().term(), Math::min);
    Long known = committedTerm.putIfAbsent(index, term);
    Integer data = committedData.putIfAbsent(index, Arrays.hashCode(payload));
    if (known != null && (known != term || data != Arrays.hashCode(payload))) {
      throw new AssertionError("state machine safety: " + m.id.shortForm() + " applied a different entry at index "
          + index + " (term " + term + ") than another member did (term " + known + ")");
    }
    if (index <= m.seenApplied) {
      throw new AssertionError("applied index went backwards on " + m.id.shortForm() + ": " + m.seenApplied + " -> "
          + index);
    }
    m.seenApplied = index;
  }

  void check(List<SimRaftMember> members) {
    steps++;
    for (SimRaftMember m : members) {
      if (!m.up) {
        continue;
      }
      RaftStatus s = m.driver.status();
      io.polis.raft.HardState hs = m.storage.hardState();
      m.seenDurableTerm = monotonic(m.seenDurableTerm, hs.term(), "term", m);
      // Clamped as the core clamps it: on disk a cut-off last record can leave the saved commit above the log.
      long durableCommit = Math.min(hs.commit(), m.storage.lastIndex());
      m.seenDurableCommit = monotonic(m.seenDurableCommit, durableCommit, "durable commit index", m);
      m.seenCommit = monotonic(m.seenCommit, s.commitIndex(), "commit index", m);
      if (s.role() == RaftRole.LEADER) {
        checkLeader(m, s);
      }
    }
    if (steps % 2048 == 0) {
      checkLogMatching(members);
    }
  }

  private static long monotonic(long before, long value, String what, SimRaftMember m) {
    if (value < before) {
      throw new AssertionError(what + " went backwards on " + m.id.shortForm() + ": " + before + " -> " + value);
    }
    return value;
  }

  private void checkLeader(SimRaftMember m, RaftStatus s) {
    MemberId other = leaderByTerm.putIfAbsent(s.term(), m.id);
    if (other != null && !other.equals(m.id)) {
      throw new AssertionError("election safety: two leaders in term " + s.term() + ": " + other.shortForm()
          + " and " + m.id.shortForm());
    }
    Long loggedTerm = leaderLogTerm.get(m.id);
    if (loggedTerm == null || loggedTerm != s.term()) {
      // Newly seen as leader of this term: leader completeness (Raft §5.4) for everything committed in
      // an earlier term.
      for (Map.Entry<Long, Long> e : committedTerm.entrySet()) {
        long index = e.getKey();
        if (commitTerm.get(index) >= s.term() || index < m.storage.firstIndex()) {
          continue; // committed later, or compacted into a snapshot (whose contents the history checker judges)
        }
        if (index > m.storage.lastIndex() || m.storage.term(index) != e.getValue()) {
          throw new AssertionError("leader completeness: " + m.id.shortForm() + " leads term " + s.term()
              + " without committed entry " + index + " (term " + e.getValue() + ")");
        }
      }
      remember(m);
      leaderLogTerm.put(m.id, s.term());
      return;
    }
    long[] before = leaderLog.get(m.id);
    long base = leaderLogBase.get(m.id);
    long beforeLast = base + before.length;
    long last = m.storage.lastIndex();
    boolean full = steps % 1024 == 0;
    if (last < beforeLast
        || (before.length > 0 && termOrUnknown(m, beforeLast) != -1 && m.storage.term(beforeLast) != before[before.length - 1])) {
      throw new AssertionError("leader append-only: " + m.id.shortForm() + " changed its log in term " + s.term());
    }
    if (full) {
      for (int i = 0; i < before.length; i++) {
        long t = termOrUnknown(m, base + 1 + i);
        if (t != -1 && t != before[i]) {
          throw new AssertionError("leader append-only: " + m.id.shortForm() + " overwrote entry " + (base + 1 + i)
              + " in term " + s.term());
        }
      }
    }
    if (last != beforeLast) {
      remember(m);
    }
  }

  private void remember(SimRaftMember m) {
    long base = m.storage.firstIndex() - 1;
    long[] terms = new long[(int) (m.storage.lastIndex() - base)];
    for (int i = 0; i < terms.length; i++) {
      terms[i] = m.storage.term(base + 1 + i);
    }
    leaderLog.put(m.id, terms);
    leaderLogBase.put(m.id, base);
  }

  /** The term at an index of the member's stored log, or -1 where compaction removed it. */
  private static long termOrUnknown(SimRaftMember m, long index) {
    return index < m.storage.firstIndex() - 1 || index > m.storage.lastIndex() ? -1 : m.storage.term(index);
  }

  /** Raft §5.3 Log Matching: equal term at an index means equal logs up to it. */
  void checkLogMatching(List<SimRaftMember> members) {
    for (int a = 0; a < members.size(); a++) {
      for (int b = a + 1; b < members.size(); b++) {
        SimRaftMember x = members.get(a);
        SimRaftMember y = members.get(b);
        if (!x.storageReadable() || !y.storageReadable()) {
          continue;
        }
        long common = Math.min(x.storage.lastIndex(), y.storage.lastIndex());
        long first = Math.max(x.storage.firstIndex(), y.storage.firstIndex());
        long i = common;
        while (i >= first && x.storage.term(i) != y.storage.term(i)) {
          i--;
        }
        if (i >= first
            && !x.storage.entries(first, i + 1, Long.MAX_VALUE).equals(y.storage.entries(first, i + 1, Long.MAX_VALUE))) {
          throw new AssertionError("log matching: " + x.id.shortForm() + " and " + y.id.shortForm()
              + " agree on the term at " + i + " but their logs up to it differ");
        }
      }
    }
  }

  int leadersSeen() {
    return leaderByTerm.size();
  }
}
