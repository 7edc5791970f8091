package io.polis.transport;

import io.polis.node.Address;

/**
 * The peer is not reading fast enough: its connection's outbound buffer is over its high-water mark, so
 * the message was not queued. Nothing was sent; the caller may retry later or drop the message.
 */
public final class BackpressureException extends TransportException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param peer the slow peer
   * @param pendingBytes bytes already waiting to be written to it
   */
  public BackpressureException(Address peer, long pendingBytes) {
    super(peer, "peer " + peer + " is not keeping up: " + pendingBytes
        + " bytes already wait to be written; message not sent", null);
  }
}
