package io.polis.runtime.formation;

import io.polis.membership.Member;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a member announces about its Raft group in its membership metadata, under {@link #METADATA_KEY}: a
 * member that runs Raft says whether it already belongs to a formed cluster. Fresh members read it before
 * bootstrapping (a formed cluster is joined, never formed again); autopilot adds only members that run Raft.
 */
public enum FormationState {
  /** Runs Raft but has no configuration or log yet: forming, or waiting to be added. */
  WAITING("waiting"),
  /** Holds a configuration or log entries: it belongs to a formed cluster. */
  FORMED("formed");

  /** The metadata key. */
  public static final String METADATA_KEY = "polis.raft";

  private final String value;

  FormationState(String value) {
    this.value = value;
  }

  /** @return the metadata value */
  public String value() {
    return value;
  }

  /**
   * Reads what a member announces.
   *
   * @param member the member
   * @return its state, or null when it does not run Raft (or runs a version that does not say)
   */
  public static @Nullable FormationState of(Member member) {
    String v = member.metadata().get(METADATA_KEY);
    for (FormationState s : values()) {
      if (s.value.equals(v)) {
        return s;
      }
    }
    return null;
  }

  /**
   * Returns metadata with this state set, the other entries kept.
   *
   * @param metadata the member's metadata now
   * @return the new metadata
   */
  public Map<String, String> into(Map<String, String> metadata) {
    Map<String, String> next = new HashMap<>(metadata);
    next.put(METADATA_KEY, value);
    return next;
  }
}
