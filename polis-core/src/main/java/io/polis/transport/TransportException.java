package io.polis.transport;

import io.polis.node.Address;

/** A failure to reach a peer or deliver a message to it. The subclass says which kind. */
public abstract class TransportException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Address peer;

  /**
   * Creates the exception.
   *
   * @param peer the peer concerned
   * @param message what happened
   * @param cause the underlying failure, if any
   */
  protected TransportException(Address peer, String message, Throwable cause) {
    super(message, cause);
    this.peer = peer;
  }

  /**
   * Returns the address of the peer concerned.
   *
   * @return the peer's address
   */
  public Address peer() {
    return peer;
  }
}
