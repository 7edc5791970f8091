package io.polis.wire;

/** Sent by the accepting node once the handshake has passed; peer messages may flow after it. */
public record Accepted() implements HandshakeMessage {

  /** The one instance; the message has no fields. */
  public static final Accepted INSTANCE = new Accepted();

  @Override
  public MessageType type() {
    return MessageType.ACCEPTED;
  }
}
