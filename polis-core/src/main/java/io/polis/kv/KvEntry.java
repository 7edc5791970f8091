package io.polis.kv;

import io.polis.Versioned;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The state machine's record of one key: immutable, so readers on other threads see a whole state or
 * the previous one, never a half-written one. An entry without a value is a tombstone: it keeps a deleted
 * key's version so that the key's next write continues from it instead of starting again at 1.
 *
 * <p>The value array is owned by the entry and never changed; it is not copied here because the state
 * machine would otherwise copy every value twice on the apply path. {@link #toVersioned()} copies it
 * before it leaves the package.
 *
 * @param value the value; {@code null} for a deleted key
 * @param version the key's version
 * @param modIndex the log index of the write that produced this entry
 */
record KvEntry(byte @Nullable [] value, long version, long modIndex) {

  /** The state of a key that was never written. */
  static final KvEntry ABSENT = new KvEntry(null, 0, 0);

  boolean isPresent() {
    return value != null;
  }

  Versioned toVersioned() {
    return new Versioned(value, version, modIndex);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof KvEntry other && version == other.version && modIndex == other.modIndex
        && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(version) + Long.hashCode(modIndex)) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return (value == null ? "absent" : value.length + " bytes") + " v" + version + " @" + modIndex;
  }
}
