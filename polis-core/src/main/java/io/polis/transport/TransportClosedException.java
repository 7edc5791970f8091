package io.polis.transport;

import io.polis.node.Address;

/** The local transport is shut down (or shutting down); nothing more is sent. */
public final class TransportClosedException extends TransportException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param peer the intended peer
   */
  public TransportClosedException(Address peer) {
    super(peer, "transport is shut down; nothing is sent to " + peer, null);
  }
}
