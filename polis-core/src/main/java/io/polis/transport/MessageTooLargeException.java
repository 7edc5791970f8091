package io.polis.transport;

import io.polis.node.Address;

/** The encoded message is larger than the maximum frame size; it was not sent. */
public final class MessageTooLargeException extends TransportException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param peer the intended peer
   * @param frameBytes the encoded frame's size
   * @param maxFrameBytes the configured maximum
   */
  public MessageTooLargeException(Address peer, long frameBytes, long maxFrameBytes) {
    super(peer, "message of " + frameBytes + " bytes exceeds the maximum frame size of " + maxFrameBytes
        + " bytes; not sent to " + peer, null);
  }
}
