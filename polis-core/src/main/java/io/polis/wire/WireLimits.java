package io.polis.wire;

import io.polis.node.Address;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Fixed caps on what a message may contain. Decoders check every length and count against these caps
 * and against the bytes left in the frame before allocating anything.
 */
public final class WireLimits {

  /** Bytes of a handshake nonce. */
  public static final int NONCE_BYTES = 32;

  /** Bytes of an HMAC-SHA256 proof (a proof is this long or empty). */
  public static final int PROOF_BYTES = 32;

  /** Longest cluster name, in bytes of UTF-8. */
  public static final int MAX_CLUSTER_NAME_BYTES = 255;

  /** Longest channel name of a {@link DataMessage}, in bytes of UTF-8. */
  public static final int MAX_CHANNEL_BYTES = 1024;

  /** Longest detail sentence of a {@link Reject}, in bytes of UTF-8. */
  public static final int MAX_REJECT_DETAIL_BYTES = 1024;

  /** Longest host name in an address, in bytes of UTF-8. */
  public static final int MAX_HOST_BYTES = 253;

  private WireLimits() {}

  static void checkClusterName(String clusterName) {
    checkUtf8Length("cluster name", clusterName, MAX_CLUSTER_NAME_BYTES);
    if (clusterName.isBlank()) {
      throw new IllegalArgumentException("cluster name must not be blank");
    }
  }

  static void checkUtf8Length(String field, String value, int maxBytes) {
    Objects.requireNonNull(value, field);
    // A char encodes to at most 3 bytes, so short strings skip the encoding. Long arithmetic: a string
    // of over 715 million chars would overflow int and skip the check.
    if ((long) value.length() * 3 > maxBytes && value.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      throw new IllegalArgumentException(field + " is longer than " + maxBytes + " bytes of UTF-8");
    }
    checkNoLoneSurrogate(field, value);
  }

  /**
   * Refuses an unpaired surrogate: it has no UTF-8 form, and the encoder would silently send '?' in its
   * place, so the peer would see another channel or cluster name than the one sent.
   */
  private static void checkNoLoneSurrogate(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            field + " has an unpaired surrogate at index " + i + ", which cannot be encoded as UTF-8");
      }
    }
  }

  /**
   * Checks an address against the wire's host cap, which is in bytes of UTF-8: {@link Address} counts
   * chars, so a non-ASCII host it accepts can be too long for the peer's decoder.
   */
  static Address checkAddress(String field, Address address) {
    Objects.requireNonNull(address, field);
    checkUtf8Length(field + " host", address.host(), MAX_HOST_BYTES);
    return address;
  }

  static byte[] checkNonce(byte[] nonce) {
    Objects.requireNonNull(nonce, "nonce");
    if (nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("nonce must be " + NONCE_BYTES + " bytes, not " + nonce.length);
    }
    return nonce;
  }

  static byte[] checkProof(byte[] proof) {
    Objects.requireNonNull(proof, "proof");
    if (proof.length != 0 && proof.length != PROOF_BYTES) {
      throw new IllegalArgumentException("proof must be empty or " + PROOF_BYTES + " bytes, not " + proof.length);
    }
    return proof;
  }
}
