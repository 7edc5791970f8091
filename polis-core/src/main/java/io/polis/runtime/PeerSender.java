package io.polis.runtime;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Outbound;
import io.polis.raft.RaftCore;
import io.polis.transport.PeerInfo;
import io.polis.transport.Transport;
import io.polis.wire.RaftMessage;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link RaftDriver}'s messages to peers named by member id. A peer's address comes from this
 * member's configuration, or else from the last message the peer sent: a member that started with an empty
 * configuration, or whose log lags behind a membership change, must still answer whoever contacts it. A
 * message to a peer with no known address is dropped, as the network might drop it; Raft resends. Touched
 * only on the driver thread; a send's outcome arrives on a transport thread and is only logged.
 */
final class PeerSender {

  /** The driver's logger, so that a level set for the driver (the simulations quiet it) covers its sends. */
  private static final Logger log = LoggerFactory.getLogger(RaftDriver.class);

  private final MemberId id;
  private final Transport transport;
  private final RaftCore core;
  private final Map<MemberId, Address> seenAddresses = new HashMap<>();

  PeerSender(MemberId id, Transport transport, RaftCore core) {
    this.id = id;
    this.transport = transport;
    this.core = core;
  }

  /** A message came from {@code from}: answers to it go to the address it advertises. */
  void heardFrom(PeerInfo from) {
    seenAddresses.put(from.memberId(), from.advertisedAddress());
  }

  void send(MemberId to, RaftMessage message) {
    send(new Outbound(to, message));
  }

  void send(Outbound out) {
    Address address = core.configuration().address(out.to());
    if (address == null) {
      address = seenAddresses.get(out.to());
    }
    if (address == null) {
      log.debug("{} has no address for {}; {} dropped", id.shortForm(), out.to().shortForm(), out.message().type());
      return;
    }
    transport.send(address, out.message()).whenComplete((ok, error) -> {
      if (error != null && log.isDebugEnabled()) {
        log.debug("{} could not send {} to {}: {}", id.shortForm(), out.message().type(), out.to().shortForm(),
            error.toString());
      }
    });
  }
}
