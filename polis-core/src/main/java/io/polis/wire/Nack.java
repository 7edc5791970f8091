package io.polis.wire;

import java.util.List;

/**
 * Sent by a member asked to probe on another's behalf when its own probe got no answer (Lifeguard): it
 * tells the requester that the relay works, so a missing ack says more about the target than about the
 * requester's own health.
 *
 * @param seq the sequence number of the ping request
 */
public record Nack(long seq) implements SwimMessage {

  @Override
  public List<MemberUpdate> updates() {
    return List.of();
  }

  @Override
  public MessageType type() {
    return MessageType.NACK;
  }
}
