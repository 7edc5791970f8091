package io.polis.wire;

import java.util.List;

/**
 * A full-state exchange: the sender's view of every member it knows. Sent to seeds to join, and
 * periodically to a random member so that views converge after a partition heals.
 *
 * @param reply whether this answers another push-pull (a reply is not answered again)
 * @param join whether the sender is joining through this exchange
 * @param updates one entry per known member
 */
public record PushPull(boolean reply, boolean join, List<MemberUpdate> updates) implements SwimMessage {

  /** Validates the components. */
  public PushPull {
    updates = SwimCodec.checkList(updates, MAX_MEMBERS, "push-pull members");
  }

  @Override
  public MessageType type() {
    return MessageType.PUSH_PULL;
  }
}
