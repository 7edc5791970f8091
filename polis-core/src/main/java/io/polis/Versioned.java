package io.polis;

import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The state of one key of a {@link KeyValueStore}: its value, or its absence, with the version that
 * names this state.
 *
 * <p>A key's version counts its changes: 0 before the first write, then one more for every put, every
 * successful compare-and-set and every delete of a present value. Versions never go back, not even when a
 * key is deleted and written again, so one version number names one state of the key and a
 * compare-and-set on a version cannot be fooled by a delete and re-create in between (no ABA). An absent
 * key therefore has a version too: that of the delete which removed it, or 0 if it was never written.
 *
 * <p>The value array is copied in and out, so neither the caller nor the store can change the other's
 * copy; equality compares value contents.
 *
 * @param value the value; {@code null} when the key is absent
 * @param version the key's version in this state
 * @param modIndex the Raft log index of the write that produced this state; 0 if the key was never
 *     written. Unique per write across the whole store, and increasing.
 */
public record Versioned(byte @Nullable [] value, long version, long modIndex) {

  /** Validates and copies the components. */
  public Versioned {
    if (version < 0 || modIndex < 0) {
      throw new IllegalArgumentException("version and modIndex must not be negative: version " + version
          + ", modIndex " + modIndex);
    }
    if (value != null && version == 0) {
      throw new IllegalArgumentException("a present value has a version of at least 1");
    }
    value = value == null ? null : value.clone();
  }

  /**
   * Returns the state of a key that holds no value.
   *
   * @param version the version the key's last delete left, or 0 if never written
   * @param modIndex the log index of that delete, or 0
   * @return the absent state
   */
  public static Versioned absent(long version, long modIndex) {
    return new Versioned(null, version, modIndex);
  }

  /**
   * Returns whether the key holds a value in this state.
   *
   * @return true when present
   */
  public boolean isPresent() {
    return value != null;
  }

  /**
   * Returns a copy of the value.
   *
   * @return the value, or {@code null} when the key is absent
   */
  @Override
  public byte @Nullable [] value() {
    return value == null ? null : value.clone();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Versioned other && version == other.version && modIndex == other.modIndex
        && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(version) + Long.hashCode(modIndex)) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    String shown = value == null ? "absent"
        : value.length <= 32 ? HexFormat.of().formatHex(value) : value.length + " bytes";
    return "Versioned[" + shown + ", version " + version + ", modIndex " + modIndex + "]";
  }
}
