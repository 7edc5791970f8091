package io.polis.wire;

import io.polis.node.MemberId;
import java.util.List;
import java.util.Objects;

/**
 * A direct probe. The target id is carried so that a different member now listening at the target's
 * old address does not answer for it.
 *
 * @param seq the prober's sequence number, echoed in the {@link Ack}
 * @param target the member being probed
 * @param updates piggybacked gossip
 */
public record Ping(long seq, MemberId target, List<MemberUpdate> updates) implements SwimMessage {

  /** Validates the components. */
  public Ping {
    Objects.requireNonNull(target, "target");
    updates = SwimCodec.checkGossip(updates);
  }

  @Override
  public MessageType type() {
    return MessageType.PING;
  }
}
