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
   * @param backlog what already waits for the peer, e.g. "4194304 bytes"
   */
  public BackpressureException(Address peer, String backlog) {
    super(peer, "peer " + peer + " is not keeping up: " + backlog
        + " already wait to be sent; message not sent", null);
  }
}
