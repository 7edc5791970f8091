package io.polis.wire;

import java.util.Optional;

/** What a {@link LogEntry} carries. */
public enum EntryKind {
  /** An application command, applied to the state machine. */
  COMMAND(0),
  /** The empty entry a new leader appends to commit entries of earlier terms. */
  NO_OP(1),
  /** A change of the group's voters and learners. */
  CONFIGURATION(2);

  private final int code;

  EntryKind(int code) {
    this.code = code;
  }

  /**
   * Returns the code written on the wire and on disk.
   *
   * @return a small non-negative number
   */
  public int code() {
    return code;
  }

  /**
   * Finds the kind with the given code.
   *
   * @param code the code read
   * @return the kind, or empty when unknown
   */
  public static Optional<EntryKind> fromCode(int code) {
    for (EntryKind kind : values()) {
      if (kind.code == code) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
