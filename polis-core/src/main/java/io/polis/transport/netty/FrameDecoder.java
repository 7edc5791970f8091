package io.polis.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.polis.wire.Envelope;
import io.polis.wire.Message;
import io.polis.wire.MessageCodec;

/**
 * Cuts the inbound byte stream into frames and decodes each into a {@link Message}.
 *
 * <p>The length prefix is checked against the maximum before any buffer is allocated (fail-fast, so a
 * length of 2^31-1 is refused on its first four bytes), and a length shorter than an envelope is refused
 * as well. Malformed input surfaces as an exception whose cause is a
 * {@link io.polis.wire.WireFormatException} or {@link io.netty.handler.codec.TooLongFrameException};
 * the connection handler closes the channel on it. Stateful: one instance per channel.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {

  /**
   * Creates a decoder.
   *
   * @param maxFrameBytes the largest frame accepted, length prefix excluded
   */
  FrameDecoder(int maxFrameBytes) {
    super(maxFrameBytes + Envelope.LENGTH_PREFIX_SIZE, 0, Envelope.LENGTH_PREFIX_SIZE, 0,
        Envelope.LENGTH_PREFIX_SIZE, true);
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    ByteBuf frame = (ByteBuf) super.decode(ctx, in);
    if (frame == null) {
      return null;
    }
    try {
      return MessageCodec.decode(frame);
    } finally {
      frame.release();
    }
  }
}
