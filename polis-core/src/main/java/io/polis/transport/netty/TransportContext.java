package io.polis.transport.netty;

import io.polis.node.Address;
import io.polis.transport.InboundHandler;
import io.polis.transport.TransportConfig;
import org.jspecify.annotations.Nullable;

/**
 * What the channel handlers of one transport share: its settings, its identity as announced to peers,
 * and where inbound messages go. The mutable fields are written once at start-up (and {@code closing}
 * once at shutdown) and read from event loops, hence volatile.
 */
final class TransportContext {

  final TransportConfig config;
  final HandshakeProofs proofs;
  /** The short member id that starts every log line of this node. */
  final String node;

  private volatile @Nullable Address advertisedAddress;
  private volatile @Nullable InboundHandler handler;
  private volatile boolean closing;

  TransportContext(TransportConfig config) {
    this.config = config;
    this.proofs = new HandshakeProofs(config.secret().orElse(null));
    this.node = config.memberId().shortForm();
  }

  void started(Address advertised, InboundHandler inbound) {
    this.advertisedAddress = advertised;
    this.handler = inbound;
  }

  Address advertisedAddress() {
    Address address = advertisedAddress;
    if (address == null) {
      throw new IllegalStateException("transport not started");
    }
    return address;
  }

  InboundHandler handler() {
    InboundHandler inbound = handler;
    if (inbound == null) {
      throw new IllegalStateException("transport not started");
    }
    return inbound;
  }

  void markClosing() {
    closing = true;
  }

  boolean closing() {
    return closing;
  }
}
