package io.polis.runtime.formation;

import io.polis.membership.Member;
import io.polis.raft.Configuration;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
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
  /**
   * The metadata key under which a waiting member announces the first voters it would bootstrap with, as
   * a {@link #digest(Configuration) digest}: a member bootstraps only once every one of those voters
   * announces the same digest.
   */
  public static final String PROPOSAL_KEY = "polis.raft.proposal";

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
   * Returns metadata with this state set and no proposal, the other entries kept.
   *
   * @param metadata the member's metadata now
   * @return the new metadata
   */
  public Map<String, String> into(Map<String, String> metadata) {
    return into(metadata, null);
  }

  /**
   * Returns metadata with this state and a proposal set, the other entries kept.
   *
   * @param metadata the member's metadata now
   * @param proposal the digest of the voters this member proposes, or null for none
   * @return the new metadata
   */
  public Map<String, String> into(Map<String, String> metadata, @Nullable String proposal) {
    Map<String, String> next = new HashMap<>(metadata);
    next.put(METADATA_KEY, value);
    if (proposal == null) {
      next.remove(PROPOSAL_KEY);
    } else {
      next.put(PROPOSAL_KEY, proposal);
    }
    return next;
  }

  /**
   * Reads the proposal a member announces.
   *
   * @param member the member
   * @return the digest of the voters it proposes, or null
   */
  public static @Nullable String proposalOf(Member member) {
    return member.metadata().get(PROPOSAL_KEY);
  }

  /**
   * Returns a short digest of a configuration's voters and addresses, the same on every member.
   *
   * @param configuration the proposed first voters
   * @return 16 hex digits of the SHA-256 of its encoding
   */
  public static String digest(Configuration configuration) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(configuration.encode());
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
