package io.polis.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.polis.transport.netty.FrameCodecs;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz tests for the inbound path: arbitrary bytes must be decoded or refused with the codec's own
 * exceptions, never crash the decoder with anything else, and never cost much more memory than their
 * own size.
 *
 * <p>Plain {@code ./mvnw test} runs each method once per file in
 * {@code src/test/resources/io/polis/wire/MessageDecoderFuzzTestInputs/<method>/} (regression mode);
 * {@code docs/fuzzing.md} tells how to fuzz for real.
 */
class MessageDecoderFuzzTest {

  /** Small, so that the fuzzer reaches the too-long path with short inputs. */
  private static final int MAX_FRAME_BYTES = 64 * 1024;

  /**
   * What decoding may allocate beyond a multiple of the input: exception stack traces, formatted
   * messages, the charset decoder. Far below what a length read from hostile input could ask for.
   */
  private static final long ALLOCATION_ALLOWANCE = 4 * 1024 * 1024;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @FuzzTest
  void decodeRefusesBadBytesOnlyWithWireFormatException(byte[] input) {
    Message message = null;
    WireFormatException refusal = null;
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      message = MessageCodec.decode(Unpooled.wrappedBuffer(input));
    } catch (WireFormatException e) {
      refusal = e;
    }
    requireAllocationBounded(input, THREADS.getCurrentThreadAllocatedBytes() - before);
    if (refusal != null) {
      assertThat(refusal.getMessage()).as("refusal message").isNotBlank();
    } else {
      // Every field has one encoding (strict UTF-8, zero flags, fixed widths), so whatever decodes must
      // re-encode to exactly the input; anything else means the decoder accepted bytes it should refuse.
      ByteBuf reencoded = Unpooled.buffer(input.length);
      MessageCodec.encode(message, reencoded);
      assertThat(ByteBufUtil.getBytes(reencoded)).isEqualTo(input);
    }
  }

  @FuzzTest
  void frameDecoderFailsOnlyWithFramingOrWireErrors(byte[] input) {
    List<String> whole = decodeStream(input, Math.max(1, input.length));
    // The same bytes in small pieces: a TCP stream may be cut anywhere, and the outcome must not change.
    List<String> trickled = decodeStream(input, 1 + input.length % 13);

    assertThat(trickled).isEqualTo(whole);
  }

  /**
   * Feeds the input to a fresh frame decoder in chunks and returns what came out: each message, then
   * the first error if there was one. Stops at the first error, as the connection handler closes the
   * channel on it.
   */
  private static List<String> decodeStream(byte[] input, int chunkSize) {
    EmbeddedChannel channel = new EmbeddedChannel(FrameCodecs.newDecoder(MAX_FRAME_BYTES));
    List<ByteBuf> chunks = new ArrayList<>();
    List<String> outcome = new ArrayList<>();
    try {
      for (int offset = 0; offset < input.length; offset += chunkSize) {
        ByteBuf chunk = Unpooled.wrappedBuffer(input, offset, Math.min(chunkSize, input.length - offset));
        chunks.add(chunk);
        try {
          channel.writeInbound(chunk);
        } catch (RuntimeException e) {
          drain(channel, outcome);
          outcome.add("error " + requireExpected(e));
          return outcome;
        }
        drain(channel, outcome);
      }
      return outcome;
    } finally {
      try {
        // Closing decodes what is left over; it may fail, but again only in the expected ways.
        channel.finishAndReleaseAll();
      } catch (RuntimeException e) {
        requireExpected(e);
      }
      for (ByteBuf chunk : chunks) {
        assertThat(chunk.refCnt()).as("refCnt of an input chunk after the channel closed").isZero();
      }
    }
  }

  private static void drain(EmbeddedChannel channel, List<String> outcome) {
    for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
      assertThat(message).isInstanceOf(Message.class);
      outcome.add(message.toString());
    }
  }

  /**
   * Returns a description of an allowed failure, or throws: anything but a Netty frame error or a
   * {@link WireFormatException} wrapped by the decoder is a finding.
   */
  private static String requireExpected(RuntimeException e) {
    if (e instanceof TooLongFrameException || e instanceof CorruptedFrameException) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    if (e instanceof DecoderException && e.getCause() instanceof WireFormatException wire) {
      return wire.getClass().getSimpleName() + ": " + wire.getMessage();
    }
    throw new AssertionError("frame decoder failed with an unexpected exception", e);
  }

  /**
   * Checks that decoding the input allocated at most a small multiple of its size, so a length read from
   * hostile bytes never sizes an allocation. The first call of a kind may load and instrument classes on
   * this thread, so a high reading is taken again, now warm, before it counts as a finding.
   */
  private static void requireAllocationBounded(byte[] input, long allocated) {
    long bound = ALLOCATION_ALLOWANCE + 16L * input.length;
    if (allocated > bound) {
      assertThat(allocatedByDecoding(input)).as("bytes allocated decoding %d input bytes", input.length)
          .isLessThanOrEqualTo(bound);
    }
  }

  private static long allocatedByDecoding(byte[] input) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      MessageCodec.decode(Unpooled.wrappedBuffer(input));
    } catch (WireFormatException refused) {
      // Refusal is fine; only the cost is measured here.
    }
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }
}
