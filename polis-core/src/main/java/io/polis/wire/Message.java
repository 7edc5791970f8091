package io.polis.wire;

/**
 * Any message that can travel in a frame.
 *
 * <p>The hierarchy is sealed so that the codec covers every message: adding a record here without a
 * {@link MessageType} and a codec branch does not compile.
 */
public sealed interface Message permits HandshakeMessage, ControlMessage, PeerMessage {

  /**
   * Returns the type code written in this message's envelope.
   *
   * @return the message type
   */
  MessageType type();
}
