package io.polis.sim.linearizability;

import org.jspecify.annotations.Nullable;

/**
 * The state of one key in the sequential model: its value, or its absence, and its version.
 *
 * @param value the current value; {@code null}: the key is absent
 * @param version how many state changes the key has seen; 0 before the first
 */
public record RegisterState(@Nullable String value, long version) {

  /** Every key's state before any operation: absent, at version 0. */
  public static final RegisterState INITIAL = new RegisterState(null, 0);

  @Override
  public String toString() {
    return "(" + show(value) + ", v" + version + ")";
  }

  /** Quotes a value, or names its absence, so that the string "absent" cannot pass for a missing value. */
  static String show(@Nullable String value) {
    return value == null ? "absent" : '"' + value + '"';
  }
}
