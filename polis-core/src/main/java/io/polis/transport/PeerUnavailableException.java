package io.polis.transport;

import io.polis.node.Address;

/**
 * No connection to the peer: it refused or timed out, the connection broke before the message was
 * written, or the transport is backing off before its next attempt.
 */
public final class PeerUnavailableException extends TransportException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param peer the peer
   * @param message what happened
   * @param cause the underlying failure, if any
   */
  public PeerUnavailableException(Address peer, String message, Throwable cause) {
    super(peer, message, cause);
  }
}
