package io.polis.wire;

/** Sent on an otherwise idle connection so that both sides can tell a quiet peer from a dead one. */
public record Heartbeat() implements ControlMessage {

  /** The one instance; the message has no fields. */
  public static final Heartbeat INSTANCE = new Heartbeat();

  @Override
  public MessageType type() {
    return MessageType.HEARTBEAT;
  }
}
