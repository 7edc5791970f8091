package io.polis.raft;

import io.polis.node.MemberId;
import io.polis.wire.VoteRequest;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protocol-aware recovery of an entry that a member may have acknowledged and then lost when its log was
 * opened ({@link HardState.LostEntry}; Alagappan et al., FAST '18): when the member's wait starts and
 * ends, and which votes it may give meanwhile. The core does not campaign while it waits
 * ({@link RaftCore#promotable()}).
 */
final class LostEntryRecovery {

  private static final Logger log = LoggerFactory.getLogger(LostEntryRecovery.class);

  private LostEntryRecovery() {}

  /** Says at start what a recorded lost entry means for this member, or forgets it where nobody has it. */
  static void start(RaftCore c) {
    HardState.LostEntry lost = Objects.requireNonNull(c.lostEntry);
    if (c.configs.current().voters().keySet().equals(Set.of(c.id))) {
      // No other member can hold the entry, so waiting would stop the group for good without bringing it back.
      log.error("{} may have lost acknowledged entry {} when its log was opened, and as the only voter of group {}"
          + " it has nowhere to recover it from; it goes on without it (term {})", c.id.shortForm(), lost.index(),
          c.group, c.term);
      c.lostEntry = null;
      return;
    }
    log.warn("{} may have lost acknowledged entry {} (term at most {}) when its log was opened: it will vote only"
        + " for logs that cannot lack it and will not campaign until a leader has committed entry {} here (term {})",
        c.id.shortForm(), lost.index(), lost.maxTerm(), lost.index(), c.term);
    maybeRecovered(c);
  }

  /** Forgets the lost entry once a leader has committed its index here: the log now holds what was lost. */
  static void maybeRecovered(RaftCore c) {
    HardState.LostEntry lost = c.lostEntry;
    if (lost != null && c.raftLog.committed() >= lost.index()) {
      log.info("{} has entry {} committed again (commit {}, term {}): it votes and may campaign again",
          c.id.shortForm(), lost.index(), c.raftLog.committed(), c.term);
      c.lostEntry = null;
    }
  }

  /**
   * Tells whether a vote for a candidate cannot elect a leader without the lost entry (Raft §5.4.1, with
   * the entry's bound standing in for the entry); logs a refusal.
   */
  static boolean mayVoteFor(RaftCore c, MemberId from, VoteRequest m) {
    HardState.LostEntry lost = c.lostEntry;
    if (lost == null || lost.coveredBy(m.lastIndex(), m.lastTerm())) {
      return true;
    }
    log.info("{} rejected {} from {} at term {}: its log ({}@{}) may lack entry {} that this member lost",
        c.id.shortForm(), m.preVote() ? "pre-vote" : "vote", from.shortForm(), m.term(), m.lastIndex(), m.lastTerm(),
        lost.index());
    return false;
  }
}
