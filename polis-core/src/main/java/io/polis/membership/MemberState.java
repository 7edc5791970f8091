package io.polis.membership;

/** The state of a member as this node sees it. */
public enum MemberState {
  /** Answers probes. */
  ALIVE,
  /** A probe failed; the member has until its suspicion timeout to show it is alive. */
  SUSPECT,
  /** Declared down: it was suspected and did not refute in time. */
  DEAD,
  /** Announced that it leaves the cluster. */
  LEFT;

  /**
   * Tells whether a member in this state counts as part of the cluster.
   *
   * @return true for {@link #ALIVE} and {@link #SUSPECT}
   */
  public boolean isLive() {
    return this == ALIVE || this == SUSPECT;
  }
}
