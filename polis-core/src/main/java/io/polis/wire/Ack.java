package io.polis.wire;

import io.polis.node.MemberId;
import java.util.List;
import java.util.Objects;

/**
 * The answer to a {@link Ping}, sent by the target directly or relayed by a member that probed it on
 * the prober's behalf.
 *
 * @param seq the sequence number of the ping (or ping request) answered
 * @param responder the member that was probed and answered
 * @param updates piggybacked gossip
 */
public record Ack(long seq, MemberId responder, List<MemberUpdate> updates) implements SwimMessage {

  /** Validates the components. */
  public Ack {
    Objects.requireNonNull(responder, "responder");
    updates = SwimCodec.checkGossip(updates);
  }

  @Override
  public MessageType type() {
    return MessageType.ACK;
  }
}
