package io.polis.kv;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What the key-value state machine answers to a command, before it is encoded as the entry's result. */
sealed interface KvResult {

  /** @return which answer this is, for exhaustive switches (Java 17 has no pattern switch) */
  Kind kind();

  /** The answers, with their tag in the binary format; tags are never reused. */
  enum Kind {
    PUT(1), DELETE(2), SWAPPED(3), NOT_SWAPPED(4), REJECTED(0x7F);

    final byte tag;

    Kind(int tag) {
      this.tag = (byte) tag;
    }

    static @Nullable Kind of(byte tag) {
      for (Kind kind : values()) {
        if (kind.tag == tag) {
          return kind;
        }
      }
      return null;
    }
  }

  /**
   * The answer to a put.
   *
   * @param created whether the key held no value before
   * @param version the key's new version
   */
  record Put(boolean created, long version) implements KvResult {
    @Override
    public Kind kind() {
      return Kind.PUT;
    }
  }

  /**
   * The answer to a delete.
   *
   * @param existed whether the key held a value
   * @param version the key's version after the command
   */
  record Delete(boolean existed, long version) implements KvResult {
    @Override
    public Kind kind() {
      return Kind.DELETE;
    }
  }

  /**
   * A conditional write found the expected state and took place. The new state is known to the proposer
   * (its own value, this version, the entry's index), so the value is not sent back.
   *
   * @param version the key's new version
   */
  record Swapped(long version) implements KvResult {
    @Override
    public Kind kind() {
      return Kind.SWAPPED;
    }
  }

  /**
   * A conditional write found another state and changed nothing.
   *
   * @param current the state it found
   */
  record NotSwapped(KvEntry current) implements KvResult {
    public NotSwapped {
      Objects.requireNonNull(current, "current");
    }

    @Override
    public Kind kind() {
      return Kind.NOT_SWAPPED;
    }
  }

  /**
   * The command could not be read, so nothing changed. Every member reaches the same verdict, since it
   * depends on the command's bytes only.
   *
   * @param reason what was wrong with the command
   */
  record Rejected(String reason) implements KvResult {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public Kind kind() {
      return Kind.REJECTED;
    }
  }
}
