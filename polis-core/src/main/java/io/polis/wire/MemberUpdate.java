package io.polis.wire;

import io.polis.node.Address;
import io.polis.node.MemberId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One piece of membership news, as gossiped by SWIM: "member M at address A, incarnation I, is alive /
 * suspect / dead / has left", said by {@code source}.
 *
 * @param status what is claimed about the member
 * @param member the member the claim is about
 * @param address where the member listens
 * @param incarnation the member's incarnation the claim refers to; only the member itself raises it
 * @param metadata the member's metadata (sent with every status so that a newcomer learns it at once)
 * @param source the member making the claim; independent sources of a suspicion shorten its timeout
 */
public record MemberUpdate(
    Status status, MemberId member, Address address, long incarnation, Map<String, String> metadata,
    MemberId source) {

  /** Most metadata entries per member. */
  public static final int MAX_METADATA_ENTRIES = 64;
  /** Longest metadata key, in bytes of UTF-8. */
  public static final int MAX_METADATA_KEY_BYTES = 128;
  /** Longest metadata value, in bytes of UTF-8. */
  public static final int MAX_METADATA_VALUE_BYTES = 1024;
  /** Fewest bytes one update takes on the wire, used to bound list counts before allocating. */
  static final int MIN_ENCODED_BYTES = 1 + 16 + (4 + 1 + 2) + 8 + 4 + 16;

  /** Validates the components and copies the metadata. */
  public MemberUpdate {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(source, "source");
    if (incarnation < 0) {
      throw new IllegalArgumentException("incarnation must not be negative but was " + incarnation);
    }
    metadata = checkMetadata(metadata);
  }

  /**
   * Validates metadata against the caps and returns an immutable copy.
   *
   * @param metadata the metadata
   * @return an unmodifiable copy
   * @throws IllegalArgumentException naming the cap that is exceeded
   */
  public static Map<String, String> checkMetadata(Map<String, String> metadata) {
    Objects.requireNonNull(metadata, "metadata");
    if (metadata.size() > MAX_METADATA_ENTRIES) {
      throw new IllegalArgumentException("metadata has " + metadata.size() + " entries, more than "
          + MAX_METADATA_ENTRIES);
    }
    metadata.forEach((key, value) -> {
      WireLimits.checkUtf8Length("metadata key", key, MAX_METADATA_KEY_BYTES);
      WireLimits.checkUtf8Length("metadata value of '" + key + "'", value, MAX_METADATA_VALUE_BYTES);
    });
    return Map.copyOf(metadata);
  }

  /** What an update claims about its member, in the order SWIM ranks claims of equal incarnation. */
  public enum Status {
    /** The member answers probes. */
    ALIVE(1),
    /** A probe of the member failed; it has a while to refute. */
    SUSPECT(2),
    /** The member was suspected and did not refute in time. */
    DEAD(3),
    /** The member announced that it leaves. */
    LEFT(4);

    private final int code;

    Status(int code) {
      this.code = code;
    }

    /** @return the code written on the wire */
    public int code() {
      return code;
    }

    /**
     * Finds the status with the given code.
     *
     * @param code a code read from the wire
     * @return the status, or empty if the code is unknown
     */
    public static Optional<Status> fromCode(int code) {
      for (Status s : values()) {
        if (s.code == code) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }
  }
}
