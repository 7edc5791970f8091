package io.polis.wire;

/** Body layout of {@link DataMessage}. */
final class DataCodec {

  private DataCodec() {}

  static void write(DataMessage message, WireWriter out) {
    out.writeString(message.channel());
    out.writeBytes(message.payload());
  }

  static DataMessage read(WireReader in) {
    String channel = in.readString("channel", WireLimits.MAX_CHANNEL_BYTES);
    // The frame decoder already bounds the frame; the payload can be at most what is left of it.
    byte[] payload = in.readBytes("payload", Integer.MAX_VALUE);
    return new DataMessage(channel, payload);
  }
}
