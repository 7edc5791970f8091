package io.polis.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.polis.wire.Envelope;
import io.polis.wire.Message;
import io.polis.wire.MessageCodec;
import io.polis.wire.WireFormatException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Cuts the inbound byte stream into frames and decodes each into a {@link Message}.
 *
 * <p>The length prefix is checked as soon as its four bytes are in, before any buffer is allocated: a
 * negative length, a length over the maximum (2^31-1 included) and a Java-serialization stream header
 * are refused there, with the numbers in the units of the configuration. A length shorter than an
 * envelope is refused when the envelope is read. Malformed input surfaces as an exception whose cause
 * is a {@link WireFormatException}, {@link TooLongFrameException} or {@link CorruptedFrameException};
 * the connection handler closes the channel on it, and everything after it is discarded unread: past
 * a bad frame the stream is noise, and must yield neither further errors nor messages.
 *
 * <p>A stream that ends inside a frame is not an error here (the connection is over anyway); it is
 * noted in {@link #incompleteFrame()} for the connection handler, which knows whether the peer ended
 * the connection or this node did. Stateful: one instance per channel.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {

  private final int maxFrameBytes;
  private boolean failed;
  private @Nullable String incompleteFrame;

  /**
   * Creates a decoder.
   *
   * @param maxFrameBytes the largest frame accepted, length prefix excluded
   */
  FrameDecoder(int maxFrameBytes) {
    super(maxFrameBytes + Envelope.LENGTH_PREFIX_SIZE, 0, Envelope.LENGTH_PREFIX_SIZE, 0,
        Envelope.LENGTH_PREFIX_SIZE, true);
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected @Nullable Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return null;
    }
    try {
      return decodeFrame(ctx, in);
    } catch (Exception e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  private @Nullable Object decodeFrame(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    if (in.readableBytes() >= Envelope.LENGTH_PREFIX_SIZE) {
      checkLength(in.getInt(in.readerIndex()));
    }
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

  private void checkLength(int length) {
    if (length >>> 16 == 0xACED) {
      throw new WireFormatException("stream carries the Java-serialization magic 0xACED where a frame length "
          + "belongs: a Java object stream, not a Polis peer");
    }
    if (length < 0) {
      // The encoder writes a signed int; read unsigned (as the superclass does) it would pass as "too long".
      throw new CorruptedFrameException("negative frame length " + length);
    }
    if (length > maxFrameBytes) {
      throw new TooLongFrameException("frame of " + length + " bytes exceeds the maximum of " + maxFrameBytes);
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    super.decodeLast(ctx, in, out);
    if (!failed && in.isReadable()) {
      int got = in.readableBytes();
      incompleteFrame = got < Envelope.LENGTH_PREFIX_SIZE
          ? got + " of the " + Envelope.LENGTH_PREFIX_SIZE + " bytes of a length prefix arrived"
          : (got - Envelope.LENGTH_PREFIX_SIZE) + " of its " + in.getInt(in.readerIndex()) + " bytes arrived";
      in.skipBytes(got);
    }
  }

  /**
   * Says how much of a frame had arrived when the stream ended inside it. Set when the channel goes
   * inactive, before the handlers after this one hear of it.
   *
   * @return e.g. "10 of its 100 bytes arrived", or null when the stream ended between frames
   */
  @Nullable String incompleteFrame() {
    return incompleteFrame;
  }
}
