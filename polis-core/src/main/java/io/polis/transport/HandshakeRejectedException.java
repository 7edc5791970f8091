package io.polis.transport;

import io.polis.node.Address;
import io.polis.wire.RejectReason;

/**
 * The handshake with a peer failed: one side refused the other. Retrying will not help until the
 * configuration changes (version, cluster name, secret or certificates).
 */
public final class HandshakeRejectedException extends TransportException {

  private static final long serialVersionUID = 1L;

  private final RejectReason reason;

  /**
   * Creates the exception.
   *
   * @param peer the peer
   * @param reason why the handshake failed
   * @param detail the sentence explaining it
   */
  public HandshakeRejectedException(Address peer, RejectReason reason, String detail) {
    super(peer, "handshake with " + peer + " failed (" + reason + "): " + detail, null);
    this.reason = reason;
  }

  /**
   * Returns why the handshake failed.
   *
   * @return the reason
   */
  public RejectReason reason() {
    return reason;
  }
}
