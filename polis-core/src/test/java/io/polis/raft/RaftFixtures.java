package io.polis.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import io.polis.wire.RaftMessage;
import io.polis.wire.VoteResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/** Small builders and checks shared by the Raft core tests. */
final class RaftFixtures {

  private RaftFixtures() {}

  /** Raft as in the paper: no PreVote, no CheckQuorum, safe reads. */
  static RaftConfig plain() {
    return RaftNet.scriptedBuilder().preVote(false).checkQuorum(false).build();
  }

  static MemberId member(int number) {
    return new MemberId(new java.util.UUID(0, number));
  }

  /** Voters {@code 1..n}, addressed as RaftNet addresses them. */
  static Configuration voters(int n) {
    Map<MemberId, Address> v = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      v.put(member(i + 1), new Address("127.0.0.1", 9000 + i));
    }
    return new Configuration(v, Map.of());
  }

  static Address address(int number) {
    return new Address("127.0.0.1", 9000 + number - 1);
  }

  static LogEntry command(long term, long index, String text) {
    return new LogEntry(term, index, EntryKind.COMMAND, text.getBytes(StandardCharsets.UTF_8));
  }

  static LogEntry noOp(long term, long index) {
    return new LogEntry(term, index, EntryKind.NO_OP, new byte[0]);
  }

  /** A command's bytes, as {@link RaftCore#propose} takes them. */
  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Entries {@code 1..terms.length}, entry i having term {@code terms[i-1]}. */
  static List<LogEntry> logWithTerms(long... terms) {
    List<LogEntry> out = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      out.add(command(terms[i], i + 1, "e" + (i + 1) + "@" + terms[i]));
    }
    return out;
  }

  static InMemoryRaftStorage storage(HardState hardState, List<LogEntry> entries) {
    InMemoryRaftStorage storage = new InMemoryRaftStorage();
    storage.save(hardState, entries);
    return storage;
  }

  /** A core for member {@code number} in a group of voters {@code 1..voters}. */
  static RaftCore core(int number, int voters, RaftConfig config, InMemoryRaftStorage storage) {
    return new RaftCore(member(number), "g", config, storage, voters(voters), new SplittableRandom(number));
  }

  /** A core for member 1 in a group of three that has won an election (member 2 voted for it). */
  static RaftCore leaderOfThree(InMemoryRaftStorage storage) {
    RaftCore c = core(1, 3, plain(), storage);
    c.campaign();
    drain(c, storage);
    c.step(member(2), new VoteResponse("g", c.term(), true, false));
    assertThat(c.role()).isEqualTo(RaftRole.LEADER);
    return c;
  }

  /** Hands out one batch the way a driver would: save, then advance; returns it for inspection. */
  static Ready drain(RaftCore core, InMemoryRaftStorage storage) {
    Ready ready = core.ready();
    storage.save(ready.hardState(), ready.entries());
    core.advance(ready);
    return ready;
  }

  static <T extends RaftMessage> List<T> sent(Ready ready, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Outbound o : ready.messages()) {
      if (type.isInstance(o.message())) {
        out.add(type.cast(o.message()));
      }
    }
    return out;
  }

  static List<MemberId> recipients(Ready ready, Class<? extends RaftMessage> type) {
    return ready.messages().stream().filter(o -> type.isInstance(o.message())).map(Outbound::to).toList();
  }

  /** The terms of a member's log, index 1 first. */
  static List<Long> terms(RaftCore core) {
    List<Long> out = new ArrayList<>();
    for (long i = 1; i <= core.lastIndex(); i++) {
      out.add(core.termAt(i));
    }
    return out;
  }

  /** Records the messages a network delivers that match a filter; drops none. */
  static List<RaftNet.Envelope> record(RaftNet net, Predicate<RaftNet.Envelope> which) {
    List<RaftNet.Envelope> seen = new ArrayList<>();
    net.dropWhere(e -> {
      if (which.test(e)) {
        seen.add(e);
      }
      return false;
    });
    return seen;
  }

  /**
   * Raft's safety properties (Figure 3) over a network's current state: at most one leader per term
   * (Election Safety); two logs with an entry of the same index and term agree up to it (Log Matching);
   * members apply the same entry at each index, in order (State Machine Safety); and a leader of a term
   * later than any term seen when an entry was first applied holds that entry (Leader Completeness).
   */
  static final class SafetyChecker {
    private final Map<Long, MemberId> leaderOfTerm = new HashMap<>();
    private final Map<Long, LogEntry> appliedAt = new HashMap<>();
    /** For each applied index: the highest term any member had when it was first seen applied. */
    private final Map<Long, Long> termWhenApplied = new HashMap<>();

    void check(RaftNet net) {
      long highestTerm = net.cores.values().stream().mapToLong(RaftCore::term).max().orElse(0);
      List<RaftCore> live = net.ids.stream().filter(id -> !net.down.contains(id)).map(net.cores::get).toList();
      for (MemberId id : net.ids) {
        long expected = 1;
        for (LogEntry e : net.applied.get(id)) {
          assertThat(e.index()).as("%s applies in order", id.shortForm()).isEqualTo(expected++);
          LogEntry other = appliedAt.putIfAbsent(e.index(), e);
          assertThat(other).as("entry applied at %d by %s", e.index(), id.shortForm()).isIn(null, e);
          termWhenApplied.putIfAbsent(e.index(), highestTerm);
        }
      }
      for (RaftCore c : live) {
        if (c.role() == RaftRole.LEADER) {
          MemberId before = leaderOfTerm.putIfAbsent(c.term(), c.id());
          assertThat(before).as("leaders of term %d", c.term()).isIn(null, c.id());
          for (LogEntry e : appliedAt.values()) {
            if (c.term() > termWhenApplied.get(e.index())) {
              assertThat(c.termAt(e.index())).as("leader %s of term %d holds applied entry %s", c.id().shortForm(),
                  c.term(), e).isEqualTo(e.term());
            }
          }
        }
        for (RaftCore d : live) {
          if (c != d) {
            checkLogMatching(c, d);
          }
        }
      }
    }

    private static void checkLogMatching(RaftCore a, RaftCore b) {
      long last = Math.min(a.lastIndex(), b.lastIndex());
      long firstDifference = 0;
      for (long i = 1; i <= last; i++) {
        boolean same = a.termAt(i) == b.termAt(i);
        if (!same && firstDifference == 0) {
          firstDifference = i;
        } else if (same && firstDifference != 0) {
          throw new AssertionError("logs of " + a.id().shortForm() + " and " + b.id().shortForm() + " agree on the"
              + " term at " + i + " but differ at " + firstDifference);
        }
      }
    }
  }
}
