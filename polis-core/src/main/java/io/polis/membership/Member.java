package io.polis.membership;

import io.polis.node.Address;
import io.polis.node.MemberId;
import java.util.Map;
import java.util.Objects;

/**
 * A member as this node sees it at one moment. Immutable.
 *
 * @param id the member's id
 * @param address where it listens
 * @param metadata its string metadata (zone, version, application name, ...)
 * @param incarnation its incarnation number; raised by the member itself to refute suspicion or to
 *     announce new metadata
 * @param state its state
 */
public record Member(MemberId id, Address address, Map<String, String> metadata, long incarnation,
    MemberState state) {

  /** Validates the components and copies the metadata. */
  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    metadata = Map.copyOf(metadata);
    Objects.requireNonNull(state, "state");
  }

  @Override
  public String toString() {
    return id.shortForm() + "@" + address + "[" + state + ", inc " + incarnation + "]";
  }
}
