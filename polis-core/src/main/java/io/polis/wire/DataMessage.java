package io.polis.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Opaque bytes sent on a named channel. User payloads reach this form through a payload codec; the
 * transport never looks inside them.
 *
 * @param channel the channel name, at most {@link WireLimits#MAX_CHANNEL_BYTES} bytes of UTF-8
 * @param payload the bytes, bounded only by the frame size
 */
public record DataMessage(String channel, byte[] payload) implements PeerMessage {

  /** Validates the components. The payload is not copied: callers hand it over. */
  public DataMessage {
    WireLimits.checkUtf8Length("channel", channel, WireLimits.MAX_CHANNEL_BYTES);
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public MessageType type() {
    return MessageType.DATA;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DataMessage d && channel.equals(d.channel) && Arrays.equals(payload, d.payload);
  }

  @Override
  public int hashCode() {
    return 31 * channel.hashCode() + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "DataMessage[channel=" + channel + ", " + payload.length + " bytes]";
  }
}
