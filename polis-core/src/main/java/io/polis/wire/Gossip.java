package io.polis.wire;

import java.util.List;

/**
 * Membership news sent on its own, when there is news, to a few random members each gossip period, so
 * that it spreads faster than piggybacking on probes alone would carry it.
 *
 * @param updates the news
 */
public record Gossip(List<MemberUpdate> updates) implements SwimMessage {

  /** Validates the components. */
  public Gossip {
    updates = SwimCodec.checkGossip(updates);
  }

  @Override
  public MessageType type() {
    return MessageType.GOSSIP;
  }
}
