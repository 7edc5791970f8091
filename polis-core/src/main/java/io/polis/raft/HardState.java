package io.polis.raft;

import io.polis.node.MemberId;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a member must keep on stable storage besides its log, so that it never votes twice in one term
 * and never forgets a term it has seen (Raft §5.1, §5.2, Figure 2 "persistent state").
 *
 * @param term the latest term this member has seen
 * @param votedFor the candidate it voted for in that term, or null
 * @param commit the highest index known committed; kept so a restart can apply without waiting for a
 *     leader, but never trusted beyond the log it has
 * @param lostEntry an entry this member may have acknowledged and then lost, or null: while it is set the
 *     member votes only for logs that cannot lack it, and never campaigns
 */
public record HardState(long term, @Nullable MemberId votedFor, long commit, @Nullable LostEntry lostEntry) {

  /** The state of a member that has never run. */
  public static final HardState EMPTY = new HardState(0, null, 0);

  /** Validates the components. */
  public HardState {
    if (term < 0 || commit < 0) {
      throw new IllegalArgumentException("term and commit must not be negative: term " + term + ", commit " + commit);
    }
  }

  /**
   * A hard state with no lost entry.
   *
   * @param term the latest term seen
   * @param votedFor the vote in that term, or null
   * @param commit the highest index known committed
   */
  public HardState(long term, @Nullable MemberId votedFor, long commit) {
    this(term, votedFor, commit, null);
  }

  /**
   * Returns this state with a lost entry recorded; a second loss keeps the later index and the higher term,
   * so that the member waits until both are behind it.
   *
   * @param lost the entry cut off
   * @return the new state
   */
  public HardState withLostEntry(LostEntry lost) {
    Objects.requireNonNull(lost, "lost");
    LostEntry merged = lostEntry == null ? lost
        : new LostEntry(Math.max(lostEntry.index(), lost.index()), Math.max(lostEntry.maxTerm(), lost.maxTerm()));
    return new HardState(term, votedFor, commit, merged);
  }

  /**
   * An entry cut off when the log was opened, though it was written whole and may have been acknowledged:
   * its last record was damaged (a flipped bit), not torn by a crash. A member that forgot an acknowledged
   * entry could help elect a leader without it (protocol-aware recovery, Alagappan et al., FAST '18), so
   * until a leader has committed this index on the member again, the member grants votes only to logs at
   * least as up to date as {@code (maxTerm, index)} — whatever the entry's term was, such a log holds it
   * or supersedes it — and does not campaign.
   *
   * @param index the index of the entry cut off
   * @param maxTerm a bound on its term: the member's term when the entry was cut off
   */
  public record LostEntry(long index, long maxTerm) {

    /** Validates the components. */
    public LostEntry {
      if (index < 1 || maxTerm < 0) {
        throw new IllegalArgumentException("a lost entry needs an index of at least 1 and a term of at least 0: index "
            + index + ", term " + maxTerm);
      }
    }

    /**
     * Tells whether a candidate's log is at least as up to date as this entry would have made ours.
     *
     * @param lastIndex the candidate's last index
     * @param lastTerm the candidate's last term
     * @return true when voting for it cannot elect a leader without the entry
     */
    public boolean coveredBy(long lastIndex, long lastTerm) {
      return lastTerm > maxTerm || (lastTerm == maxTerm && lastIndex >= index);
    }
  }
}
