package io.polis.wire;

/** Sent before a node closes a connection on purpose, so the peer logs a departure, not a failure. */
public record Goodbye() implements ControlMessage {

  /** The one instance; the message has no fields. */
  public static final Goodbye INSTANCE = new Goodbye();

  @Override
  public MessageType type() {
    return MessageType.GOODBYE;
  }
}
