package io.polis;

/** How fresh a read of replicated state must be, traded against its cost. */
public enum ReadConsistency {

  /**
   * The read reflects every write acknowledged before it was called, wherever that write was made: the
   * member confirms the current commit index with the leader (ReadIndex, Raft thesis §6.4) and waits until
   * it has applied that far. Costs a round trip to the leader, and fails when no leader or no quorum can
   * be reached.
   */
  LINEARIZABLE,

  /**
   * The read returns this member's state as it is, with no round trip. It may miss recent writes, even
   * this client's own writes made through another member, and on a partitioned member it can be
   * arbitrarily old; it never returns a state that was not committed. Works without a leader.
   */
  LOCAL
}
