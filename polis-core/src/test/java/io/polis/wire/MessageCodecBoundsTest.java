package io.polis.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.polis.node.Address;
import io.polis.node.MemberId;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hand-crafted hostile and broken frames: each must be refused with a {@link WireFormatException} whose
 * message names what was wrong, and never with another exception or an allocation sized by the input.
 */
class MessageCodecBoundsTest {

  private static final MemberId MEMBER = new MemberId(new UUID(0x0102030405060708L, 0x090A0B0C0D0E0F10L));

  @Test
  void decodesAHandCraftedFrame() {
    // Control case: the frame builder below lays out bytes the way the codec does, so when a test
    // further down breaks one field, the error comes from that field and not from a builder mistake.
    ByteBuf frame = envelope(MessageType.DATA);
    writeString(frame, "ch");
    frame.writeInt(3).writeBytes(new byte[] {1, 2, 3});

    assertThat(MessageCodec.decode(frame)).isEqualTo(new DataMessage("ch", new byte[] {1, 2, 3}));
  }

  @Test
  void rejectsEmptyFrameAsShorterThanEnvelope() {
    assertRefused(Unpooled.EMPTY_BUFFER).hasMessage("frame of 0 bytes is shorter than the 5-byte envelope");
  }

  @Test
  void rejectsFourByteFrameAsShorterThanEnvelope() {
    ByteBuf frame = Unpooled.buffer().writeShort(Envelope.MAGIC).writeByte(1).writeByte(MessageType.HEARTBEAT.code());

    assertRefused(frame).hasMessage("frame of 4 bytes is shorter than the 5-byte envelope");
  }

  @Test
  void rejectsWrongMagic() {
    ByteBuf frame = Unpooled.buffer().writeShort(0x4745).writeByte(1).writeByte(0x10).writeByte(0);

    assertRefused(frame).hasMessage("bad magic 0x4745 (expected 0x504C)");
  }

  @Test
  void rejectsJavaSerializationStreamByItsMagic() {
    // The header ObjectOutputStream writes: magic 0xACED, stream version 5, then TC_OBJECT, TC_CLASSDESC.
    ByteBuf frame = Unpooled.wrappedBuffer(HexFormat.of().parseHex("aced00057372"));

    assertRefused(frame).hasMessageContaining("Java-serialization magic 0xACED");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 255})
  void rejectsUnsupportedProtocolVersionAndReportsIt(int version) {
    ByteBuf frame = Unpooled.buffer().writeShort(Envelope.MAGIC).writeByte(version)
        .writeByte(MessageType.HEARTBEAT.code()).writeByte(0);

    assertThatThrownBy(() -> MessageCodec.decode(frame))
        .isInstanceOfSatisfying(UnsupportedVersionException.class, e -> assertThat(e.version()).isEqualTo(version))
        .hasMessageContaining("protocol version " + version + " is not supported");
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x06, 0x12, 0x7F, 0xFF})
  void rejectsUnknownMessageType(int code) {
    ByteBuf frame = Unpooled.buffer().writeShort(Envelope.MAGIC).writeByte(1).writeByte(code).writeByte(0);

    assertRefused(frame).hasMessage(String.format("unknown message type 0x%02X", code));
  }

  @ParameterizedTest
  @ValueSource(ints = {0x01, 0x80, 0xFF})
  void rejectsNonZeroFlags(int flags) {
    ByteBuf frame = Unpooled.buffer().writeShort(Envelope.MAGIC).writeByte(1)
        .writeByte(MessageType.HEARTBEAT.code()).writeByte(flags);

    assertRefused(frame).hasMessage(String.format("reserved flags 0x%02X set on a HEARTBEAT frame", flags));
  }

  @Test
  void rejectsStringLongerThanBytesLeft() {
    ByteBuf frame = envelope(MessageType.DATA);
    frame.writeInt(10).writeBytes("abc".getBytes(StandardCharsets.US_ASCII));

    assertRefused(frame).hasMessage("truncated channel: needs 10 bytes, 3 remain");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE})
  void rejectsNegativeStringLength(int length) {
    ByteBuf frame = envelope(MessageType.DATA);
    frame.writeInt(length).writeBytes(new byte[8]);

    assertRefused(frame).hasMessage("channel length " + length + " is outside 0..1024");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE})
  void rejectsNegativeByteArrayLength(int length) {
    ByteBuf frame = envelope(MessageType.DATA);
    writeString(frame, "ch");
    frame.writeInt(length).writeBytes(new byte[8]);

    assertRefused(frame).hasMessage("payload length " + length + " is outside 0..2147483647");
  }

  @Test
  void rejectsPayloadLengthBeyondTheFrameBeforeAllocatingIt() {
    // The payload has no cap of its own; a length of 2^31-1 must fail on the bytes left, not on an
    // attempt to allocate a 2 GiB array.
    ByteBuf frame = envelope(MessageType.DATA);
    writeString(frame, "ch");
    frame.writeInt(Integer.MAX_VALUE);

    assertRefused(frame).hasMessage("truncated payload: needs 2147483647 bytes, 0 remain");
  }

  @ParameterizedTest
  @CsvSource({
      "DATA,   channel,      1025",
      "REJECT, reject detail, 1025",
      "HELLO,  cluster name, 256"})
  void rejectsStringLengthOverItsCap(MessageType type, String field, int length) {
    ByteBuf frame = envelope(type);
    if (type == MessageType.REJECT) {
      frame.writeByte(RejectReason.PROTOCOL_ERROR.code());
    }
    // The bytes are all there: the cap alone must refuse the field.
    frame.writeInt(length).writeBytes(new byte[length]);

    assertRefused(frame).hasMessage(field + " length " + length + " is outside 0.." + (length - 1));
  }

  @Test
  void rejectsHostLengthOverItsCap() {
    ByteBuf frame = helloUpToAddress();
    frame.writeInt(254).writeBytes(new byte[254]).writeShort(7800);
    frame.writeBytes(new byte[WireLimits.NONCE_BYTES]);

    assertRefused(frame).hasMessage("advertised address host length 254 is outside 0..253");
  }

  @ParameterizedTest
  @ValueSource(strings = {"AUTH_PROOF", "WELCOME"})
  void rejectsByteArrayLengthOverItsCap(MessageType type) {
    ByteBuf frame = type == MessageType.WELCOME ? welcomeUpToProof() : envelope(type);
    frame.writeInt(33).writeBytes(new byte[33]);

    assertRefused(frame).hasMessage("proof length 33 is outside 0..32");
  }

  @Test
  void rejectsProofThatIsNeitherEmptyNorFull() {
    ByteBuf frame = envelope(MessageType.AUTH_PROOF);
    frame.writeInt(5).writeBytes(new byte[5]);

    assertRefused(frame).hasMessage("AUTH_PROOF body is invalid: proof must be empty or 32 bytes, not 5");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "c0af,         overlong 2-byte '/'",
      "c080,         overlong 2-byte NUL (Modified UTF-8)",
      "e080af,       overlong 3-byte '/'",
      "f08080af,     overlong 4-byte '/'",
      "eda080,       lone high surrogate U+D800 (CESU-8)",
      "edbfbf,       lone low surrogate U+DFFF (CESU-8)",
      "eda0bdedb880, surrogate pair for U+1F600 (CESU-8)",
      "f4908080,     code point above U+10FFFF",
      "ff,           0xFF byte",
      "fe,           0xFE byte",
      "80,           continuation byte with no lead",
      "e282,         sequence cut short by the end of the field",
      "61e28261,     sequence cut short by an ASCII byte"})
  void rejectsInvalidUtf8(String hex, String what) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    ByteBuf frame = envelope(MessageType.DATA);
    frame.writeInt(bytes.length).writeBytes(bytes);
    frame.writeInt(0);

    assertRefused(frame).hasMessage("channel is not valid UTF-8");
  }

  @Test
  void namesTheFieldWhoseUtf8IsInvalid() {
    ByteBuf frame = envelope(MessageType.HELLO);
    frame.writeInt(1).writeByte(0xFF);

    assertRefused(frame).hasMessage("cluster name is not valid UTF-8");
  }

  @Test
  void acceptsFourByteUtf8() {
    // Control case for the test above: valid supplementary characters must pass the strict decoder.
    byte[] grinning = HexFormat.of().parseHex("f09f9880");
    ByteBuf frame = envelope(MessageType.DATA);
    frame.writeInt(grinning.length).writeBytes(grinning);
    frame.writeInt(0);

    assertThat(MessageCodec.decode(frame)).isEqualTo(new DataMessage("\uD83D\uDE00", new byte[0]));
  }

  @Test
  void rejectsTruncatedMemberId() {
    ByteBuf frame = envelope(MessageType.HELLO);
    writeString(frame, "polis");
    frame.writeBytes(new byte[10]);

    assertRefused(frame).hasMessage("truncated member id: needs 16 bytes, 10 remain");
  }

  @Test
  void rejectsTruncatedAddressPort() {
    ByteBuf frame = helloUpToAddress();
    writeString(frame, "node-1");
    frame.writeByte(0x1E);

    assertRefused(frame).hasMessage("truncated advertised address port: needs 2 bytes, 1 remain");
  }

  @Test
  void rejectsTruncatedNonce() {
    ByteBuf frame = helloUpToAddress();
    writeString(frame, "node-1");
    frame.writeShort(7800).writeBytes(new byte[31]);

    assertRefused(frame).hasMessage("truncated nonce: needs 32 bytes, 31 remain");
  }

  @Test
  void rejectsBlankHost() {
    ByteBuf frame = helloUpToAddress();
    writeString(frame, " ");
    frame.writeShort(7800).writeBytes(new byte[WireLimits.NONCE_BYTES]);

    assertRefused(frame).hasMessageContaining("advertised address is invalid").hasMessageContaining("host");
  }

  @Test
  void rejectsBlankClusterName() {
    ByteBuf frame = envelope(MessageType.HELLO);
    writeString(frame, "  ");
    writeMemberId(frame);
    writeString(frame, "node-1");
    frame.writeShort(7800).writeBytes(new byte[WireLimits.NONCE_BYTES]);

    assertRefused(frame).hasMessage("HELLO body is invalid: cluster name must not be blank");
  }

  @Test
  void rejectsTrailingBytesAfterABodylessMessage() {
    ByteBuf frame = envelope(MessageType.HEARTBEAT).writeBytes(new byte[3]);

    assertRefused(frame).hasMessage("3 unexpected bytes after the end of a HEARTBEAT body");
  }

  @Test
  void rejectsTrailingBytesAfterAValidBody() {
    ByteBuf frame = Unpooled.buffer();
    MessageCodec.encode(new Hello("polis", MEMBER, new Address("node-1", 7800), new byte[32]), frame);
    frame.writeByte(0);

    assertRefused(frame).hasMessage("1 unexpected bytes after the end of a HELLO body");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 7, 255})
  void rejectsUnknownRejectReasonCode(int code) {
    ByteBuf frame = envelope(MessageType.REJECT);
    frame.writeByte(code);
    writeString(frame, "go away");

    assertRefused(frame).hasMessage("unknown reject reason code " + code);
  }

  @Test
  void readCountRejectsCountLargerThanTheBytesLeftCouldHold() {
    // 10 elements of at least 2 bytes each cannot fit in 5 bytes: refuse before allocating a list.
    ByteBuf body = Unpooled.buffer().writeInt(10).writeBytes(new byte[5]);

    assertThatThrownBy(() -> new WireReader(body).readCount("members", 100, 2))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("members count 10 needs at least 20 bytes but only 5 remain");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE})
  void readCountRejectsNegativeCount(int count) {
    ByteBuf body = Unpooled.buffer().writeInt(count).writeBytes(new byte[64]);

    assertThatThrownBy(() -> new WireReader(body).readCount("members", 100, 2))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("members count " + count + " is outside 0..100");
  }

  @Test
  void readCountRejectsCountAboveItsCap() {
    ByteBuf body = Unpooled.buffer().writeInt(101).writeBytes(new byte[1000]);

    assertThatThrownBy(() -> new WireReader(body).readCount("members", 100, 1))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("members count 101 is outside 0..100");
  }

  @Test
  void readCountRejectsHugeCountWithoutOverflow() {
    // count * minElementBytes exceeds an int; the check must not wrap around to a small number.
    ByteBuf body = Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeBytes(new byte[16]);

    assertThatThrownBy(() -> new WireReader(body).readCount("entries", Integer.MAX_VALUE, 8))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("entries count 2147483647 needs at least 17179869176 bytes but only 16 remain");
  }

  @Test
  void readCountAcceptsCountThatFitsExactly() {
    ByteBuf body = Unpooled.buffer().writeInt(5).writeBytes(new byte[10]);

    assertThat(new WireReader(body).readCount("members", 100, 2)).isEqualTo(5);
  }

  @Test
  void readCountRejectsTruncatedCount() {
    ByteBuf body = Unpooled.buffer().writeShort(5);

    assertThatThrownBy(() -> new WireReader(body).readCount("members", 100, 2))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("truncated members count: needs 4 bytes, 2 remain");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(ByteBuf frame) {
    return assertThatThrownBy(() -> MessageCodec.decode(frame)).isExactlyInstanceOf(WireFormatException.class);
  }

  private static ByteBuf envelope(MessageType type) {
    return Unpooled.buffer().writeShort(Envelope.MAGIC).writeByte(Envelope.CURRENT_VERSION)
        .writeByte(type.code()).writeByte(0);
  }

  /** A HELLO frame filled up to, not including, its advertised address. */
  private static ByteBuf helloUpToAddress() {
    ByteBuf frame = envelope(MessageType.HELLO);
    writeString(frame, "polis");
    writeMemberId(frame);
    return frame;
  }

  /** A WELCOME frame filled up to, not including, its proof. */
  private static ByteBuf welcomeUpToProof() {
    ByteBuf frame = envelope(MessageType.WELCOME);
    writeString(frame, "polis");
    writeMemberId(frame);
    writeString(frame, "node-1");
    frame.writeShort(7800).writeBytes(new byte[WireLimits.NONCE_BYTES]);
    return frame;
  }

  private static void writeString(ByteBuf frame, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    frame.writeInt(bytes.length).writeBytes(bytes);
  }

  private static void writeMemberId(ByteBuf frame) {
    frame.writeLong(MEMBER.value().getMostSignificantBits()).writeLong(MEMBER.value().getLeastSignificantBits());
  }
}
