package io.polis.wire;

import io.polis.node.Address;
import io.polis.node.MemberId;
import java.util.Arrays;
import java.util.Objects;

/**
 * The first frame a connecting node sends: who it is and which cluster it believes it joins.
 *
 * @param clusterName the cluster the sender belongs to
 * @param memberId the sender's member id
 * @param advertisedAddress where the sender accepts connections
 * @param nonce the sender's fresh random challenge, {@link WireLimits#NONCE_BYTES} bytes
 */
public record Hello(String clusterName, MemberId memberId, Address advertisedAddress, byte[] nonce)
    implements HandshakeMessage {

  /** Validates the components and takes a defensive copy of the nonce. */
  public Hello {
    WireLimits.checkClusterName(clusterName);
    Objects.requireNonNull(memberId, "memberId");
    WireLimits.checkAddress("advertised address", advertisedAddress);
    nonce = WireLimits.checkNonce(nonce).clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  @Override
  public MessageType type() {
    return MessageType.HELLO;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hello h
        && clusterName.equals(h.clusterName)
        && memberId.equals(h.memberId)
        && advertisedAddress.equals(h.advertisedAddress)
        && Arrays.equals(nonce, h.nonce);
  }

  @Override
  public int hashCode() {
    return Objects.hash(clusterName, memberId, advertisedAddress, Arrays.hashCode(nonce));
  }

  @Override
  public String toString() {
    return "Hello[cluster=" + clusterName + ", member=" + memberId + ", address=" + advertisedAddress + "]";
  }
}
