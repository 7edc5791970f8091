package io.polis.transport;

import io.polis.wire.PeerMessage;

/**
 * Receives messages from peers. Called on a transport thread; must return quickly, never block, and
 * should not throw (an exception is logged and the message dropped; the connection stays open).
 */
@FunctionalInterface
public interface InboundHandler {

  /**
   * Handles one message.
   *
   * @param from the authenticated sender
   * @param message the message
   */
  void onMessage(PeerInfo from, PeerMessage message);
}
