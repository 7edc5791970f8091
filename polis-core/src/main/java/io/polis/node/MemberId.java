package io.polis.node;

import java.util.Objects;
import java.util.UUID;

/**
 * The identity of one cluster member.
 *
 * <p>A member id is generated at first start (and kept in the data directory when there is one). It is
 * deliberately not derived from the member's address: a node that restarts without its data is a new
 * member even when it listens on the same host and port.
 *
 * @param value the id's 128 bits
 */
public record MemberId(UUID value) implements Comparable<MemberId> {

  /** Validates the components. */
  public MemberId {
    Objects.requireNonNull(value, "value");
  }

  /**
   * Returns a new random member id.
   *
   * @return a fresh id, unique with overwhelming probability
   */
  public static MemberId random() {
    return new MemberId(UUID.randomUUID());
  }

  /**
   * Returns a member id drawn from the given generator, so that a seeded simulation is reproducible.
   *
   * @param random the source of the id's bits
   * @return a version-4 (random) UUID id
   */
  public static MemberId random(java.util.random.RandomGenerator random) {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new MemberId(new UUID(msb, lsb));
  }

  /**
   * Parses the canonical UUID form produced by {@link #toString()}.
   *
   * @param text a UUID string such as {@code 3f2c...-...}
   * @return the member id
   * @throws IllegalArgumentException if the text is not a UUID
   */
  public static MemberId parse(String text) {
    try {
      return new MemberId(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a member id (expected a UUID): '" + text + "'", e);
    }
  }

  /**
   * Returns the first eight hex digits, enough to tell members apart in a log line.
   *
   * @return a short form of this id
   */
  public String shortForm() {
    return value.toString().substring(0, 8);
  }

  @Override
  public int compareTo(MemberId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
