package io.polis.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.polis.wire.DataMessage;
import io.polis.wire.WireFormatException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The frame decoder on its own, fed bytes through an {@link EmbeddedChannel}. */
class FrameDecoderTest {

  private static final int MAX = 1024;

  private final FrameDecoder decoder = new FrameDecoder(MAX);
  private final EmbeddedChannel channel = new EmbeddedChannel(decoder);

  private static final byte[] DATA_FRAME = RawClient.frame(new DataMessage("c", new byte[] {1, 2, 3}));

  @Test
  void decodesAWellFormedFrame() {
    channel.writeInbound(Unpooled.wrappedBuffer(DATA_FRAME));
    assertThat((Object) channel.readInbound()).isEqualTo(new DataMessage("c", new byte[] {1, 2, 3}));
  }

  @Test
  void refusesLengthsOnTheirFourBytesInTheUnitsOfTheConfiguration() {
    assertRefused(RawClient.lengthPrefix(MAX + 1), TooLongFrameException.class,
        "frame of 1025 bytes exceeds the maximum of 1024");
    assertRefused(RawClient.lengthPrefix(Integer.MAX_VALUE), TooLongFrameException.class,
        "frame of 2147483647 bytes");
    assertRefused(RawClient.lengthPrefix(-1), CorruptedFrameException.class, "negative frame length -1");
    assertRefused(new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5}, WireFormatException.class,
        "Java-serialization magic 0xACED");
  }

  @Test
  void discardsEverythingAfterABadFrameInsteadOfDecodingIt() {
    byte[] badThenGood = RawClient.concat(RawClient.lengthPrefix(-1), DATA_FRAME);
    assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(badThenGood)))
        .isInstanceOf(DecoderException.class);
    channel.writeInbound(Unpooled.wrappedBuffer(DATA_FRAME)); // arrives later, before the close takes effect
    channel.finish(); // the stream ends: nothing left to decode, nothing more to report
    assertThat((Object) channel.readInbound()).isNull();
    assertThat(decoder.incompleteFrame()).isNull();
  }

  @Test
  void notesAStreamThatEndsInsideAFrameWithoutRaisingAnError() {
    channel.writeInbound(Unpooled.wrappedBuffer(RawClient.concat(DATA_FRAME, Arrays.copyOf(DATA_FRAME, 9))));
    assertThat((Object) channel.readInbound()).isInstanceOf(DataMessage.class);
    assertThat(decoder.incompleteFrame()).isNull();
    channel.finish();
    assertThat(decoder.incompleteFrame()).isEqualTo("5 of its " + (DATA_FRAME.length - 4) + " bytes arrived");
  }

  @Test
  void notesAStreamThatEndsInsideALengthPrefix() {
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0}));
    channel.finish();
    assertThat(decoder.incompleteFrame()).isEqualTo("2 of the 4 bytes of a length prefix arrived");
  }

  private static void assertRefused(byte[] bytes, Class<? extends Exception> kind, String message) {
    EmbeddedChannel fresh = new EmbeddedChannel(new FrameDecoder(MAX));
    assertThatThrownBy(() -> fresh.writeInbound(Unpooled.wrappedBuffer(bytes)))
        .isInstanceOf(DecoderException.class)
        .satisfies(e -> assertThat(Failures.root(e)).isInstanceOf(kind).hasMessageContaining(message));
    fresh.finishAndReleaseAll();
  }
}
