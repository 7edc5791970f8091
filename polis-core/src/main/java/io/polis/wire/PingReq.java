package io.polis.wire;

import io.polis.node.Address;
import io.polis.node.MemberId;
import java.util.List;
import java.util.Objects;

/**
 * An indirect probe request: "probe this member for me and relay its ack".
 *
 * @param seq the requester's sequence number, echoed in the relayed {@link Ack} or {@link Nack}
 * @param target the member to probe
 * @param targetAddress where the target listens
 * @param updates piggybacked gossip
 */
public record PingReq(long seq, MemberId target, Address targetAddress, List<MemberUpdate> updates)
    implements SwimMessage {

  /** Validates the components. */
  public PingReq {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(targetAddress, "targetAddress");
    updates = SwimCodec.checkGossip(updates);
  }

  @Override
  public MessageType type() {
    return MessageType.PING_REQ;
  }
}
