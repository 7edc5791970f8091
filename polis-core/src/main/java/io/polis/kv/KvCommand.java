package io.polis.kv;

import io.polis.KeyValueStore;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A write to the key-value state machine, as proposed to the Raft log. The constructors check what the
 * format can carry (a valid key, sensible expected versions), so the same rules hold for a command built
 * by a client and one decoded from the log. Value arrays are owned by the command and not copied.
 */
sealed interface KvCommand {

  /** @return the key the command writes */
  String key();

  /** @return which command this is, for exhaustive switches (Java 17 has no pattern switch) */
  Op op();

  /** The commands, with their code in the binary format; codes are never reused. */
  enum Op {
    PUT(1), DELETE(2), COMPARE_AND_SET(3), COMPARE_AND_DELETE(4);

    final byte code;

    Op(int code) {
      this.code = (byte) code;
    }

    static @Nullable Op of(byte code) {
      for (Op op : values()) {
        if (op.code == code) {
          return op;
        }
      }
      return null;
    }
  }

  /**
   * Sets a value.
   *
   * @param key the key
   * @param value the new value
   */
  record Put(String key, byte[] value) implements KvCommand {
    public Put {
      checkKey(key);
      Objects.requireNonNull(value, "value");
    }

    @Override
    public Op op() {
      return Op.PUT;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Put other && key.equals(other.key) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
      return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Put[" + key + ", " + value.length + " bytes]";
    }
  }

  /**
   * Removes a value.
   *
   * @param key the key
   */
  record Delete(String key) implements KvCommand {
    public Delete {
      checkKey(key);
    }

    @Override
    public Op op() {
      return Op.DELETE;
    }
  }

  /**
   * Sets a value if the key is in the expected state.
   *
   * @param key the key
   * @param expectedVersion {@link KeyValueStore#ABSENT}: the key must hold no value; otherwise it must
   *     hold one at this version
   * @param value the new value
   */
  record CompareAndSet(String key, long expectedVersion, byte[] value) implements KvCommand {
    public CompareAndSet {
      checkKey(key);
      if (expectedVersion < 0) {
        throw new IllegalArgumentException("expectedVersion must be " + KeyValueStore.ABSENT
            + " (absent) or a version of at least 1, was " + expectedVersion);
      }
      Objects.requireNonNull(value, "value");
    }

    @Override
    public Op op() {
      return Op.COMPARE_AND_SET;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof CompareAndSet other && key.equals(other.key) && expectedVersion == other.expectedVersion
          && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * key.hashCode() + Long.hashCode(expectedVersion)) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "CompareAndSet[" + key + ", expected v" + expectedVersion + ", " + value.length + " bytes]";
    }
  }

  /**
   * Removes a value if the key holds one at the expected version.
   *
   * @param key the key
   * @param expectedVersion the version the key's value must have; at least 1
   */
  record CompareAndDelete(String key, long expectedVersion) implements KvCommand {
    public CompareAndDelete {
      checkKey(key);
      if (expectedVersion < 1) {
        // Version 0 would ask to delete a value that must not exist: a no-op that always "succeeds".
        throw new IllegalArgumentException("expectedVersion of a compare-and-delete must be at least 1, was "
            + expectedVersion);
      }
    }

    @Override
    public Op op() {
      return Op.COMPARE_AND_DELETE;
    }
  }

  /**
   * Checks a key against the rules of {@link KeyValueStore}: not empty, well-formed Unicode (so that its
   * UTF-8 form decodes back to the same string on every member), at most {@link KeyValueStore#MAX_KEY_BYTES}
   * bytes in UTF-8.
   *
   * @param key the key
   * @throws IllegalArgumentException naming the rule broken
   */
  static void checkKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    long bytes = 0;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (!Character.isSurrogate(c)) {
        bytes += 3;
      } else if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        // String.getBytes would quietly turn it into '?', so two different keys could become one.
        throw new IllegalArgumentException("key has an unpaired surrogate at index " + i);
      }
    }
    if (bytes > KeyValueStore.MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key is " + bytes + " bytes in UTF-8, more than the "
          + KeyValueStore.MAX_KEY_BYTES + " allowed");
    }
  }
}
