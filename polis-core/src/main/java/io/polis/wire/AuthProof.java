package io.polis.wire;

import java.util.Arrays;

/**
 * The connecting node's answer to the accepting node's challenge.
 *
 * @param proof the HMAC proving the sender knows the cluster secret; empty when no secret is set
 */
public record AuthProof(byte[] proof) implements HandshakeMessage {

  /** Validates the proof's length and takes a defensive copy. */
  public AuthProof {
    proof = WireLimits.checkProof(proof).clone();
  }

  @Override
  public byte[] proof() {
    return proof.clone();
  }

  @Override
  public MessageType type() {
    return MessageType.AUTH_PROOF;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuthProof a && Arrays.equals(proof, a.proof);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(proof);
  }

  @Override
  public String toString() {
    return "AuthProof[" + proof.length + " bytes]";
  }
}
