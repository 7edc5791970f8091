package io.polis.wire;

import java.util.Objects;

/**
 * Sent just before a node closes a connection it refuses, so the other side can report why.
 *
 * <p>The layout of this message is the same in every protocol version, so that a node can tell a peer
 * that speaks another version why it is being turned away.
 *
 * @param reason the machine-readable reason
 * @param detail a sentence for the operator, at most {@link WireLimits#MAX_REJECT_DETAIL_BYTES} bytes
 */
public record Reject(RejectReason reason, String detail) implements HandshakeMessage {

  /** Validates the components. */
  public Reject {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    WireLimits.checkUtf8Length("reject detail", detail, WireLimits.MAX_REJECT_DETAIL_BYTES);
  }

  @Override
  public MessageType type() {
    return MessageType.REJECT;
  }
}
