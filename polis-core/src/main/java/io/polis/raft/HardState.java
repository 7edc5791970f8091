package io.polis.raft;

import io.polis.node.MemberId;
import org.jspecify.annotations.Nullable;

/**
 * What a member must keep on stable storage besides its log, so that it never votes twice in one term
 * and never forgets a term it has seen (Raft §5.1, §5.2, Figure 2 "persistent state").
 *
 * @param term the latest term this member has seen
 * @param votedFor the candidate it voted for in that term, or null
 * @param commit the highest index known committed; kept so a restart can apply without waiting for a
 *     leader, but never trusted beyond the log it has
 */
public record HardState(long term, @Nullable MemberId votedFor, long commit) {

  /** The state of a member that has never run. */
  public static final HardState EMPTY = new HardState(0, null, 0);

  /** Validates the components. */
  public HardState {
    if (term < 0 || commit < 0) {
      throw new IllegalArgumentException("term and commit must not be negative: term " + term + ", commit " + commit);
    }
  }
}
