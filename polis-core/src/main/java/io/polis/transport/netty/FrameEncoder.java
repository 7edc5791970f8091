package io.polis.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import io.polis.wire.Envelope;
import io.polis.wire.Message;
import io.polis.wire.MessageCodec;

/**
 * Writes a {@link Message} as one frame: length prefix, envelope, body. Refuses a message whose frame
 * would exceed the maximum the peer accepts, so an oversized message fails its own send instead of
 * getting the connection closed by the peer. Stateless and sharable.
 */
@Sharable
final class FrameEncoder extends MessageToByteEncoder<Message> {

  private final int maxFrameBytes;
  private final int protocolVersion;

  /**
   * Creates an encoder.
   *
   * @param maxFrameBytes the largest frame written, length prefix excluded
   * @param protocolVersion the version announced in every envelope
   */
  FrameEncoder(int maxFrameBytes, int protocolVersion) {
    super(Message.class);
    this.maxFrameBytes = maxFrameBytes;
    this.protocolVersion = protocolVersion;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Message message, ByteBuf out) {
    int start = out.writerIndex();
    out.writeInt(0);
    MessageCodec.encode(message, out, protocolVersion);
    int frameBytes = out.writerIndex() - start - Envelope.LENGTH_PREFIX_SIZE;
    if (frameBytes > maxFrameBytes) {
      out.writerIndex(start);
      throw new EncoderException(new FrameTooLargeException(frameBytes, maxFrameBytes));
    }
    out.setInt(start, frameBytes);
  }
}
