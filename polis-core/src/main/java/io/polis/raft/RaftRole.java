package io.polis.raft;

/** The roles a member takes in its group. */
public enum RaftRole {
  /** Follows a leader, or waits for one. */
  FOLLOWER,
  /** Asks whether it could win an election, without changing term (PreVote). */
  PRE_CANDIDATE,
  /** Campaigns for votes in a new term. */
  CANDIDATE,
  /** Leads the group for its term. */
  LEADER
}
