package io.polis.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ResourceLeakDetector;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.wire.Accepted;
import io.polis.wire.AuthProof;
import io.polis.wire.DataMessage;
import io.polis.wire.Envelope;
import io.polis.wire.Goodbye;
import io.polis.wire.Heartbeat;
import io.polis.wire.Hello;
import io.polis.wire.Message;
import io.polis.wire.MessageCodec;
import io.polis.wire.Reject;
import io.polis.wire.RejectReason;
import io.polis.wire.UnsupportedVersionException;
import io.polis.wire.Welcome;
import io.polis.wire.WireFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FrameEncoder} and {@link FrameDecoder} on an {@link EmbeddedChannel}: framing, reassembly, and
 * refusal of frames that are too long, negative or empty. Every buffer handed to the decoder is checked
 * to be released once its channel is finished.
 */
class FrameCodecTest {

  /** The smallest maximum the transport configuration allows; small enough to build frames around it. */
  private static final int MAX = 1024;

  private static final MemberId MEMBER = new MemberId(new UUID(42, 7));

  private static ResourceLeakDetector.Level previousLeakLevel;

  private final List<ByteBuf> inputs = new ArrayList<>();
  private final EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(MAX, Envelope.CURRENT_VERSION));
  private final EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(MAX));

  @BeforeAll
  static void trackEveryBuffer() {
    // Paranoid tracking logs any pooled buffer the codec forgets to release (the decoder's cumulation),
    // which the refCnt checks below cannot see.
    previousLeakLevel = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @AfterAll
  static void restoreLeakLevel() {
    ResourceLeakDetector.setLevel(previousLeakLevel);
  }

  @AfterEach
  void everyInputIsReleased() {
    encoder.finishAndReleaseAll();
    decoder.finishAndReleaseAll();
    assertThat(inputs).allSatisfy(buffer -> assertThat(buffer.refCnt()).as("refCnt of an input").isZero());
  }

  @Test
  void roundTripsEveryMessageType() {
    List<Message> messages = List.of(
        new Hello("polis", MEMBER, new Address("node-1", 7800), new byte[32]),
        new Welcome("polis", MEMBER, new Address("10.0.0.2", 7801), new byte[32], new byte[32]),
        new AuthProof(new byte[0]),
        Accepted.INSTANCE,
        new Reject(RejectReason.CLUSTER_MISMATCH, "this is cluster 'polis'"),
        Heartbeat.INSTANCE,
        Goodbye.INSTANCE,
        new DataMessage("raft", new byte[] {1, 2, 3}));

    for (Message message : messages) {
      ByteBuf frame = encode(message);
      assertThat(frame.getInt(0)).as("length prefix of %s", message).isEqualTo(frame.readableBytes() - 4);

      feed(frame);

      assertThat(nextInbound()).isEqualTo(message);
    }
    assertThat(nextInbound()).isNull();
  }

  @Test
  void decodesSeveralFramesArrivingInOneBuffer() {
    Message first = new DataMessage("a", new byte[] {1});
    Message second = Heartbeat.INSTANCE;
    Message third = new DataMessage("b", new byte[100]);
    ByteBuf all = Unpooled.buffer();
    for (Message message : List.of(first, second, third)) {
      ByteBuf frame = encode(message);
      all.writeBytes(frame);
      frame.release();
    }

    feed(all);

    assertThat(nextInbound()).isEqualTo(first);
    assertThat(nextInbound()).isEqualTo(second);
    assertThat(nextInbound()).isEqualTo(third);
    assertThat(nextInbound()).isNull();
  }

  @Test
  void reassemblesAFrameArrivingOneByteAtATime() {
    Message message = new Hello("polis", MEMBER, new Address("node-1", 7800), new byte[32]);
    ByteBuf frame = encode(message);
    byte[] bytes = new byte[frame.readableBytes()];
    frame.readBytes(bytes);
    frame.release();

    for (int i = 0; i < bytes.length - 1; i++) {
      assertThat(feed(bytes[i])).as("message produced after %d of %d bytes", i + 1, bytes.length).isFalse();
    }
    assertThat(feed(bytes[bytes.length - 1])).isTrue();

    assertThat(nextInbound()).isEqualTo(message);
  }

  @Test
  void rejectsMaximalLengthAsSoonAsItsFourBytesArrive() {
    RecordingAllocator allocator = new RecordingAllocator();
    decoder.config().setAllocator(allocator);

    // One byte at a time, so the decoder has to accumulate the prefix itself.
    feed((byte) 0x7F);
    feed((byte) 0xFF);
    feed((byte) 0xFF);
    assertThatThrownBy(() -> feed((byte) 0xFF))
        .isInstanceOf(TooLongFrameException.class)
        .hasMessageContaining("frame of 2147483647 bytes exceeds the maximum of " + MAX);

    // Failing fast means refusing on the prefix alone: no buffer was sized by the announced length.
    assertThat(allocator.largestRequest).isLessThan(MAX);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE})
  void rejectsNegativeLengthAsCorrupt(int length) {
    // The encoder writes a signed int, so a negative length is corruption, said as such, not "too long".
    assertThatThrownBy(() -> feed(Unpooled.buffer().writeInt(length).writeBytes(new byte[16])))
        .isInstanceOf(CorruptedFrameException.class)
        .hasMessage("negative frame length " + length);
    assertThat(nextInbound()).isNull();
  }

  @Test
  void rejectsZeroLengthFrameAsShorterThanTheEnvelope() {
    assertThatThrownBy(() -> feed(Unpooled.buffer().writeInt(0)))
        .isExactlyInstanceOf(DecoderException.class)
        .cause()
        .isExactlyInstanceOf(WireFormatException.class)
        .hasMessage("frame of 0 bytes is shorter than the 5-byte envelope");
  }

  @Test
  void acceptsFrameExactlyAtTheMaximum() {
    DataMessage message = dataMessageWithFrameBytes(MAX);

    feed(encodeUnbounded(message));

    assertThat(nextInbound()).isEqualTo(message);
  }

  @Test
  void rejectsFrameOneByteOverTheMaximum() {
    ByteBuf frame = encodeUnbounded(dataMessageWithFrameBytes(MAX + 1));
    ByteBuf prefixOnly = frame.readRetainedSlice(4);

    // Fail fast again: the length prefix alone is refused, before the body arrives.
    assertThatThrownBy(() -> feed(prefixOnly)).isInstanceOf(TooLongFrameException.class);
    frame.release();
  }

  @Test
  void encoderWritesFrameExactlyAtTheMaximum() {
    ByteBuf frame = encode(dataMessageWithFrameBytes(MAX));

    assertThat(frame.readableBytes()).isEqualTo(4 + MAX);
    frame.release();
  }

  @Test
  void encoderRefusesFrameOverTheMaximumAndWritesNothing() {
    DataMessage tooBig = dataMessageWithFrameBytes(MAX + 1);

    assertThatThrownBy(() -> encoder.writeOutbound(tooBig))
        .isExactlyInstanceOf(EncoderException.class)
        .cause()
        .isInstanceOfSatisfying(FrameTooLargeException.class, e -> {
          assertThat(e.frameBytes()).isEqualTo(MAX + 1);
          assertThat(e.maxFrameBytes()).isEqualTo(MAX);
        });
    assertThat(encoder.outboundMessages()).isEmpty();
  }

  @Test
  void decoderRefusesTheVersionAnotherEncoderAnnounces() {
    EmbeddedChannel newerEncoder = new EmbeddedChannel(new FrameEncoder(MAX, 2));
    newerEncoder.writeOutbound(Heartbeat.INSTANCE);
    ByteBuf frame = newerEncoder.readOutbound();
    newerEncoder.finishAndReleaseAll();

    assertThatThrownBy(() -> feed(frame))
        .isExactlyInstanceOf(DecoderException.class)
        .cause()
        .isInstanceOfSatisfying(UnsupportedVersionException.class, e -> assertThat(e.version()).isEqualTo(2));
  }

  @Test
  void decodesNothingMoreAfterAMalformedFrame() {
    // Past a bad frame the stream is noise: the connection is being closed, and the frames after it,
    // in the same read or a later one, must yield neither messages nor further errors.
    ByteBuf stream = Unpooled.buffer();
    stream.writeInt(5).writeShort(Envelope.MAGIC).writeByte(1).writeByte(0x7F).writeByte(0);
    ByteBuf heartbeat = encode(Heartbeat.INSTANCE);
    stream.writeBytes(heartbeat);
    heartbeat.release();

    assertThatThrownBy(() -> feed(stream))
        .cause()
        .isExactlyInstanceOf(WireFormatException.class)
        .hasMessage("unknown message type 0x7F");
    feed(encode(Goodbye.INSTANCE));

    assertThat(nextInbound()).isNull();
  }

  /** Typed as Object so that AssertJ picks the plain object assertions for whatever came out. */
  private Object nextInbound() {
    return decoder.readInbound();
  }

  private boolean feed(byte b) {
    return feed(Unpooled.wrappedBuffer(new byte[] {b}));
  }

  private boolean feed(ByteBuf input) {
    inputs.add(input);
    return decoder.writeInbound(input);
  }

  private ByteBuf encode(Message message) {
    assertThat(encoder.writeOutbound(message)).isTrue();
    return encoder.readOutbound();
  }

  /** A frame built without the encoder's bound, to hand the decoder frames the encoder would refuse. */
  private static ByteBuf encodeUnbounded(Message message) {
    ByteBuf frame = Unpooled.buffer();
    frame.writeInt(0);
    MessageCodec.encode(message, frame);
    frame.setInt(0, frame.readableBytes() - 4);
    return frame;
  }

  /** A data message whose frame, length prefix excluded, is exactly {@code frameBytes} long. */
  private static DataMessage dataMessageWithFrameBytes(int frameBytes) {
    ByteBuf empty = Unpooled.buffer();
    MessageCodec.encode(new DataMessage("c", new byte[0]), empty);
    int overhead = empty.readableBytes();
    empty.release();
    return new DataMessage("c", new byte[frameBytes - overhead]);
  }

  /** Hands out unpooled heap buffers and remembers the largest capacity asked for. */
  private static final class RecordingAllocator extends AbstractByteBufAllocator {

    int largestRequest;

    RecordingAllocator() {
      super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      largestRequest = Math.max(largestRequest, initialCapacity);
      return Unpooled.buffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      largestRequest = Math.max(largestRequest, initialCapacity);
      return Unpooled.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }
}
