package io.polis.wire;

import io.polis.node.Address;
import io.polis.node.MemberId;
import java.util.Arrays;
import java.util.Objects;

/**
 * The accepting node's answer to {@link Hello}: its own identity, its challenge, and its proof.
 *
 * @param clusterName the cluster the sender belongs to
 * @param memberId the sender's member id
 * @param advertisedAddress where the sender accepts connections
 * @param nonce the sender's fresh random challenge, {@link WireLimits#NONCE_BYTES} bytes
 * @param proof the HMAC proving the sender knows the cluster secret; empty when no secret is set
 */
public record Welcome(
    String clusterName, MemberId memberId, Address advertisedAddress, byte[] nonce, byte[] proof)
    implements HandshakeMessage {

  /** Validates the components and takes defensive copies of the byte arrays. */
  public Welcome {
    WireLimits.checkClusterName(clusterName);
    Objects.requireNonNull(memberId, "memberId");
    WireLimits.checkAddress("advertised address", advertisedAddress);
    nonce = WireLimits.checkNonce(nonce).clone();
    proof = WireLimits.checkProof(proof).clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  @Override
  public byte[] proof() {
    return proof.clone();
  }

  @Override
  public MessageType type() {
    return MessageType.WELCOME;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Welcome w
        && clusterName.equals(w.clusterName)
        && memberId.equals(w.memberId)
        && advertisedAddress.equals(w.advertisedAddress)
        && Arrays.equals(nonce, w.nonce)
        && Arrays.equals(proof, w.proof);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        clusterName, memberId, advertisedAddress, Arrays.hashCode(nonce), Arrays.hashCode(proof));
  }

  @Override
  public String toString() {
    return "Welcome[cluster=" + clusterName + ", member=" + memberId + ", address=" + advertisedAddress
        + ", authenticated=" + (proof.length > 0) + "]";
  }
}
