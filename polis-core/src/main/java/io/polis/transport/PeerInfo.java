package io.polis.transport;

import io.polis.node.Address;
import io.polis.node.MemberId;
import java.util.Objects;

/**
 * A peer as it introduced itself in a handshake that passed.
 *
 * @param memberId the peer's member id
 * @param advertisedAddress the address the peer accepts connections on
 */
public record PeerInfo(MemberId memberId, Address advertisedAddress) {

  /** Validates the components. */
  public PeerInfo {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(advertisedAddress, "advertisedAddress");
  }

  @Override
  public String toString() {
    return memberId.shortForm() + "@" + advertisedAddress;
  }
}
