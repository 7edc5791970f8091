package io.polis.wire;

import java.util.List;

/** The messages of the SWIM membership protocol. Each may carry gossip, piggybacked. */
public sealed interface SwimMessage extends PeerMessage permits Ping, Ack, Nack, PingReq, PushPull, Gossip {

  /** Most updates piggybacked on one probe message. */
  int MAX_GOSSIP = 256;

  /** Most members in one full-state exchange. */
  int MAX_MEMBERS = 65_536;

  /**
   * Returns the membership updates this message carries.
   *
   * @return the piggybacked updates, possibly empty
   */
  List<MemberUpdate> updates();
}
