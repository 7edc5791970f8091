package io.polis.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Examples of the Raft message bodies: one round trip per type, the layout pinned byte by byte, and
 * broken bodies that must each be refused with a {@link WireFormatException} saying what was wrong.
 */
class RaftCodecTest {

  /** Two bytes of UTF-8, so the term starts at a known offset in every example. */
  private static final String GROUP = "kv";

  /** Envelope, group length prefix, group. */
  private static final int TERM_OFFSET = Envelope.SIZE + 4 + 2;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  static Stream<RaftMessage> oneOfEachType() {
    return Stream.of(
        new VoteRequest(GROUP, 7, 41, 6, false, true),
        new VoteRequest(GROUP, 8, 41, 6, true, false),
        new VoteResponse(GROUP, 7, true, false),
        new AppendRequest(GROUP, 7, 40, 6, 39, List.of(
            new LogEntry(6, 41, EntryKind.CONFIGURATION, new byte[] {1, 2}),
            new LogEntry(7, 42, EntryKind.NO_OP, new byte[0]),
            new LogEntry(7, 43, EntryKind.COMMAND, "set x=1".getBytes(StandardCharsets.UTF_8)),
            new LogEntry(7, 44, EntryKind.COMMAND, new byte[0]))),
        new AppendRequest(GROUP, 7, 0, 0, 0, List.of()),
        new AppendResponse(GROUP, 7, false, 40, 38, 5),
        new RaftHeartbeat(GROUP, 7, 39, -12),
        new RaftHeartbeatResponse(GROUP, 7, -12),
        new TimeoutNow(GROUP, Long.MAX_VALUE),
        new ReadIndexRequest(GROUP, 0, 99),
        new ReadIndexResponse(GROUP, 7, 99, 43),
        new ForwardedProposal(GROUP, 7, List.of(new byte[] {9}, new byte[0])),
        new InstallSnapshot(GROUP, 7, 40, 6, new byte[] {1, 2, 3}, 10, 0x1234abcd, 4, new byte[] {5, 6, 7}),
        new InstallSnapshot(GROUP, 7, 40, 6, new byte[0], 0, 0, 0, new byte[0]),
        new InstallSnapshotResponse(GROUP, 7, 40, true, 7),
        new InstallSnapshotResponse(GROUP, 8, 40, false, 0));
  }

  @Test
  void examplesCoverEveryRaftMessageType() {
    Set<MessageType> covered = oneOfEachType().map(Message::type).collect(Collectors.toSet());

    assertThat(covered).isEqualTo(EnumSet.range(MessageType.VOTE_REQUEST, MessageType.INSTALL_SNAPSHOT_RESPONSE));
  }

  @ParameterizedTest
  @MethodSource("oneOfEachType")
  void roundTripsEveryRaftMessageType(RaftMessage message) {
    assertThat(MessageCodec.decode(encode(message))).isEqualTo(message);
  }

  @Test
  void roundTripsGroupOfExactly64BytesOfMultiByteCharacters() {
    String group = "\uD83D\uDE00".repeat(16); // 16 emoji of 4 bytes each
    RaftMessage message = new TimeoutNow(group, 1);

    assertThat(MessageCodec.decode(encode(message))).isEqualTo(message);
  }

  @Test
  void encodesAppendRequestFieldByFieldInTheDocumentedOrder() {
    // Pinned because the file store writes entries in this same layout: a change here is a format change.
    AppendRequest request = new AppendRequest(GROUP, 3, 5, 2, 4,
        List.of(new LogEntry(3, 6, EntryKind.NO_OP, new byte[] {(byte) 0xAB})));

    String expected = String.join("",
        "504c0142" + "00", // envelope: magic, version 1, APPEND_REQUEST, flags
        "00000002" + "6b76", // group "kv"
        "0000000000000003", // term
        "0000000000000005", // prev index
        "0000000000000002", // prev term
        "0000000000000004", // commit
        "00000001", // entry count
        "0000000000000003" + "0000000000000006" + "01" + "00000001ab"); // entry term, index, kind, data
    assertThat(HexFormat.of().formatHex(ByteBufUtil.getBytes(encode(request)))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 0x7F, 0xFF})
  void rejectsUnknownEntryKindCode(int code) {
    ByteBuf frame = encode(new AppendRequest(GROUP, 1, 0, 0, 0,
        List.of(new LogEntry(1, 1, EntryKind.COMMAND, new byte[] {1, 2, 3}))));
    // The kind byte sits just before the last entry's data: 4 bytes of length and 3 of data.
    frame.setByte(frame.writerIndex() - 3 - 4 - 1, code);

    assertRefused(frame).hasMessage("unknown entry kind code " + code);
  }

  @Test
  void rejectsEntriesThatSkipAnIndex() {
    ByteBuf frame = appendRequestUpToEntries(5, 2);
    writeEntry(frame, 1, 6, EntryKind.COMMAND.code(), new byte[0]);
    writeEntry(frame, 1, 8, EntryKind.COMMAND.code(), new byte[0]);

    assertRefused(frame).hasMessage(
        "APPEND_REQUEST body is invalid: entries must be consecutive from 6, found index 8 where 7 was expected");
  }

  @Test
  void rejectsFirstEntryThatDoesNotFollowPrevIndex() {
    ByteBuf frame = appendRequestUpToEntries(5, 1);
    writeEntry(frame, 1, 5, EntryKind.COMMAND.code(), new byte[0]);

    assertRefused(frame).hasMessage(
        "APPEND_REQUEST body is invalid: entries must be consecutive from 6, found index 5 where 6 was expected");
  }

  @Test
  void rejectsEntryIndexZero() {
    ByteBuf frame = appendRequestUpToEntries(0, 1);
    writeEntry(frame, 1, 0, EntryKind.COMMAND.code(), new byte[0]);

    assertRefused(frame).hasMessage("APPEND_REQUEST body is invalid: entry index must be at least 1, was 0");
  }

  @ParameterizedTest
  @MethodSource("oneOfEachType")
  void rejectsNegativeTerm(RaftMessage message) {
    ByteBuf frame = encode(message);
    frame.setLong(TERM_OFFSET, -1);

    assertRefused(frame).hasMessage(message.type() + " body is invalid: term must not be negative, was -1");
  }

  @Test
  void rejectsNegativeEntryTerm() {
    ByteBuf frame = appendRequestUpToEntries(0, 1);
    writeEntry(frame, Long.MIN_VALUE, 1, EntryKind.COMMAND.code(), new byte[0]);

    assertRefused(frame).hasMessage(
        "APPEND_REQUEST body is invalid: entry term must not be negative, was -9223372036854775808");
  }

  @Test
  void rejectsNegativeCommitIndex() {
    ByteBuf frame = encode(new RaftHeartbeat(GROUP, 1, 0, 0));
    frame.setLong(TERM_OFFSET + 8, -5);

    assertRefused(frame).hasMessage("RAFT_HEARTBEAT body is invalid: commit must not be negative, was -5");
  }

  @ParameterizedTest
  @MethodSource("oneOfEachType")
  void rejectsEmptyGroup(RaftMessage message) {
    assertRefused(withGroupBytes(message, new byte[0]))
        .hasMessage(message.type() + " body is invalid: group must not be empty");
  }

  @ParameterizedTest
  @MethodSource("oneOfEachType")
  void rejectsGroupOver64Bytes(RaftMessage message) {
    // All 65 bytes are there: the cap alone must refuse the group.
    byte[] group = "x".repeat(RaftMessage.MAX_GROUP_BYTES + 1).getBytes(StandardCharsets.US_ASCII);

    assertRefused(withGroupBytes(message, group)).hasMessage("group length 65 is outside 0..64");
  }

  @Test
  void rejectsGroupThatIsNotUtf8() {
    byte[] loneSurrogate = HexFormat.of().parseHex("eda080");

    assertRefused(withGroupBytes(new TimeoutNow(GROUP, 1), loneSurrogate)).hasMessage("group is not valid UTF-8");
  }

  @Test
  void rejectsEntryCountLargerThanTheBytesLeftCouldHold() {
    ByteBuf frame = appendRequestUpToEntries(0, 3);
    writeEntry(frame, 1, 1, EntryKind.COMMAND.code(), new byte[0]);
    writeEntry(frame, 1, 2, EntryKind.COMMAND.code(), new byte[0]);

    // An empty entry takes 21 bytes: term, index, kind, data length.
    assertRefused(frame).hasMessage("entries count 3 needs at least 63 bytes but only 42 remain");
  }

  @Test
  void refusesTheLargestEntryCountBeforeAllocatingAListForIt() {
    ByteBuf frame = appendRequestUpToEntries(0, RaftMessage.MAX_ENTRIES);
    // Warm up, so class loading on this thread is not counted below.
    assertRefused(frame.duplicate());

    long before = THREADS.getCurrentThreadAllocatedBytes();
    assertRefused(frame).hasMessage("entries count 65536 needs at least 1376256 bytes but only 0 remain");
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

    // A list sized by the count would take 256 KiB of references alone.
    assertThat(allocated).as("bytes allocated refusing the frame").isLessThan(64 * 1024);
  }

  @ParameterizedTest
  @ValueSource(ints = {RaftMessage.MAX_ENTRIES + 1, Integer.MAX_VALUE, -1})
  void rejectsEntryCountOutsideItsCap(int count) {
    assertRefused(appendRequestUpToEntries(0, count)).hasMessage("entries count " + count + " is outside 0..65536");
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, Integer.MAX_VALUE})
  void rejectsEntryDataLengthBeyondTheBytesLeft(int length) {
    ByteBuf frame = appendRequestUpToEntries(0, 1);
    frame.writeLong(1).writeLong(1).writeByte(EntryKind.COMMAND.code());
    frame.writeInt(length).writeBytes(new byte[3]);

    assertRefused(frame).hasMessage("truncated entry data: needs " + length + " bytes, 3 remain");
  }

  @Test
  void rejectsNegativeEntryDataLength() {
    ByteBuf frame = appendRequestUpToEntries(0, 1);
    frame.writeLong(1).writeLong(1).writeByte(EntryKind.COMMAND.code());
    frame.writeInt(-1).writeBytes(new byte[3]);

    assertRefused(frame).hasMessage("entry data length -1 is outside 0..2147483647");
  }

  @Test
  void rejectsCommandCountLargerThanTheBytesLeftCouldHold() {
    ByteBuf frame = groupAndTerm(MessageType.FORWARDED_PROPOSAL);
    frame.writeInt(10).writeInt(0);

    assertRefused(frame).hasMessage("commands count 10 needs at least 40 bytes but only 4 remain");
  }

  @Test
  void rejectsCommandLengthBeyondTheBytesLeft() {
    ByteBuf frame = groupAndTerm(MessageType.FORWARDED_PROPOSAL);
    frame.writeInt(1).writeInt(5).writeByte(1);

    assertRefused(frame).hasMessage("truncated command: needs 5 bytes, 1 remain");
  }

  @Test
  void rejectsForwardedProposalWithZeroCommands() {
    ByteBuf frame = groupAndTerm(MessageType.FORWARDED_PROPOSAL);
    frame.writeInt(0);

    assertRefused(frame).hasMessage(
        "FORWARDED_PROPOSAL body is invalid: a forwarded proposal carries 1 to 65536 commands, not 0");
  }

  @ParameterizedTest
  @MethodSource("oneOfEachType")
  void rejectsTrailingBytesAfterAValidBody(RaftMessage message) {
    ByteBuf frame = encode(message).writeByte(0);

    assertRefused(frame).hasMessage("1 unexpected bytes after the end of a " + message.type() + " body");
  }

  @Test
  void rejectsBooleanThatIsNeitherZeroNorOne() {
    ByteBuf frame = groupAndTerm(MessageType.VOTE_RESPONSE);
    frame.writeByte(1).writeByte(2);

    assertRefused(frame).hasMessage("pre-vote is a boolean but holds 2");
  }

  @Test
  void rejectsTruncatedTerm() {
    ByteBuf frame = envelope(MessageType.TIMEOUT_NOW);
    new WireWriter(frame).writeString(GROUP);
    frame.writeBytes(new byte[7]);

    assertRefused(frame).hasMessage("truncated term: needs 8 bytes, 7 remain");
  }

  static Stream<Arguments> invalidComponents() {
    List<LogEntry> tooMany = new ArrayList<>();
    for (int i = 1; i <= RaftMessage.MAX_ENTRIES + 1; i++) {
      tooMany.add(new LogEntry(1, i, EntryKind.NO_OP, new byte[0]));
    }
    List<LogEntry> gap = List.of(
        new LogEntry(1, 1, EntryKind.NO_OP, new byte[0]), new LogEntry(1, 3, EntryKind.NO_OP, new byte[0]));
    List<LogEntry> one = List.of(new LogEntry(1, 1, EntryKind.NO_OP, new byte[0]));
    return Stream.of(
        invalid("group must not be empty", () -> new TimeoutNow("", 1)),
        invalid("group is longer than 64 bytes of UTF-8", () -> new TimeoutNow("x".repeat(65), 1)),
        invalid("group is longer than 64 bytes of UTF-8", () -> new TimeoutNow("\u00FC".repeat(33), 1)),
        invalid("group has an unpaired surrogate at index 1, which cannot be encoded as UTF-8",
            () -> new TimeoutNow("a\uD800", 1)),
        invalid("term must not be negative, was -1", () -> new VoteRequest(GROUP, -1, 0, 0, false, false)),
        invalid("last index must not be negative, was -1", () -> new VoteRequest(GROUP, 1, -1, 0, false, false)),
        invalid("last term must not be negative, was -1", () -> new VoteRequest(GROUP, 1, 0, -1, false, false)),
        invalid("term must not be negative, was -1", () -> new VoteResponse(GROUP, -1, true, false)),
        invalid("prev index must not be negative, was -1", () -> new AppendRequest(GROUP, 1, -1, 0, 0, List.of())),
        invalid("prev term must not be negative, was -1", () -> new AppendRequest(GROUP, 1, 0, -1, 0, List.of())),
        invalid("commit must not be negative, was -1", () -> new AppendRequest(GROUP, 1, 0, 0, -1, List.of())),
        invalid("entries must be consecutive from 1, found index 3 where 2 was expected",
            () -> new AppendRequest(GROUP, 1, 0, 0, 0, gap)),
        invalid("entries must be consecutive from 2, found index 1 where 2 was expected",
            () -> new AppendRequest(GROUP, 1, 1, 0, 0, one)),
        invalid("prev index 9223372036854775807 leaves no room for 1 more entries",
            () -> new AppendRequest(GROUP, 1, Long.MAX_VALUE, 0, 0, one)),
        invalid("entries has 65537 entries, more than 65536", () -> new AppendRequest(GROUP, 1, 0, 0, 0, tooMany)),
        invalid("index must not be negative, was -1", () -> new AppendResponse(GROUP, 1, true, -1, 0, 0)),
        invalid("hint index must not be negative, was -1", () -> new AppendResponse(GROUP, 1, false, 0, -1, 0)),
        invalid("hint term must not be negative, was -1", () -> new AppendResponse(GROUP, 1, false, 0, 0, -1)),
        invalid("commit must not be negative, was -1", () -> new RaftHeartbeat(GROUP, 1, -1, 0)),
        invalid("term must not be negative, was -1", () -> new RaftHeartbeatResponse(GROUP, -1, 0)),
        invalid("term must not be negative, was -1", () -> new TimeoutNow(GROUP, -1)),
        invalid("term must not be negative, was -1", () -> new ReadIndexRequest(GROUP, -1, 0)),
        invalid("index must not be negative, was -1", () -> new ReadIndexResponse(GROUP, 1, 0, -1)),
        invalid("a forwarded proposal carries 1 to 65536 commands, not 0",
            () -> new ForwardedProposal(GROUP, 1, List.of())),
        invalid("a forwarded proposal carries 1 to 65536 commands, not 65537",
            () -> new ForwardedProposal(GROUP, 1, Collections.nCopies(RaftMessage.MAX_ENTRIES + 1, new byte[0]))),
        invalid("a snapshot covers entry 1 or later of term 1 or later, but was index 0 term 1",
            () -> new InstallSnapshot(GROUP, 1, 0, 1, new byte[0], 0, 0, 0, new byte[0])),
        invalid("snapshot term 3 is above the leader's term 2",
            () -> new InstallSnapshot(GROUP, 2, 5, 3, new byte[0], 0, 0, 0, new byte[0])),
        invalid("chunk of 3 bytes at offset 8 lies outside the snapshot's 10 bytes",
            () -> new InstallSnapshot(GROUP, 2, 5, 1, new byte[0], 10, 0, 8, new byte[3])),
        invalid("total bytes must not be negative, was -1",
            () -> new InstallSnapshot(GROUP, 2, 5, 1, new byte[0], -1, 0, 0, new byte[0])),
        invalid("next offset must not be negative, was -1", () -> new InstallSnapshotResponse(GROUP, 1, 5, true, -1)),
        invalid("entry term must not be negative, was -1", () -> new LogEntry(-1, 1, EntryKind.COMMAND, new byte[0])),
        invalid("entry index must be at least 1, was 0", () -> new LogEntry(1, 0, EntryKind.COMMAND, new byte[0])));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidComponents")
  void constructorRefusesInvalidComponentNamingTheField(String expectedMessage, ThrowingCallable construction) {
    assertThatThrownBy(construction).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage(expectedMessage);
  }

  static Stream<Arguments> nullComponents() {
    return Stream.of(
        invalid("group", () -> new TimeoutNow(null, 1)),
        invalid("entries", () -> new AppendRequest(GROUP, 1, 0, 0, 0, null)),
        invalid("kind", () -> new LogEntry(1, 1, null, new byte[0])),
        invalid("data", () -> new LogEntry(1, 1, EntryKind.COMMAND, null)),
        invalid("commands", () -> new ForwardedProposal(GROUP, 1, null)),
        invalid("command", () -> new ForwardedProposal(GROUP, 1, Collections.singletonList(null))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullComponents")
  void constructorRefusesNullNamingTheField(String field, ThrowingCallable construction) {
    assertThatThrownBy(construction).isExactlyInstanceOf(NullPointerException.class).hasMessage(field);
  }

  @Test
  void constructorsAcceptTheBoundaryValues() {
    // Control case for the refusals above: zero and the largest values are all valid.
    assertThatCode(() -> {
      new VoteRequest("\u00FC".repeat(32), 0, 0, 0, true, true);
      new AppendRequest(GROUP, Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE, Long.MAX_VALUE,
          List.of(new LogEntry(Long.MAX_VALUE, Long.MAX_VALUE, EntryKind.COMMAND, new byte[0])));
      new AppendRequest(GROUP, 1, Long.MAX_VALUE, 0, 0, List.of());
      new ForwardedProposal(GROUP, 0, Collections.nCopies(RaftMessage.MAX_ENTRIES, new byte[0]));
    }).doesNotThrowAnyException();
  }

  private static Arguments invalid(String message, ThrowingCallable construction) {
    return Arguments.of(message, construction);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(ByteBuf frame) {
    return assertThatThrownBy(() -> MessageCodec.decode(frame)).isExactlyInstanceOf(WireFormatException.class);
  }

  private static ByteBuf encode(Message message) {
    ByteBuf frame = Unpooled.buffer();
    MessageCodec.encode(message, frame);
    return frame;
  }

  private static ByteBuf envelope(MessageType type) {
    return Unpooled.buffer().writeShort(Envelope.MAGIC).writeByte(Envelope.CURRENT_VERSION)
        .writeByte(type.code()).writeByte(0);
  }

  /** An envelope, the group {@link #GROUP} and term 1: what every Raft body starts with. */
  private static ByteBuf groupAndTerm(MessageType type) {
    ByteBuf frame = envelope(type);
    new WireWriter(frame).writeString(GROUP);
    return frame.writeLong(1);
  }

  /** An APPEND_REQUEST frame up to and including its entry count, with no entries yet. */
  private static ByteBuf appendRequestUpToEntries(long prevIndex, int count) {
    ByteBuf frame = groupAndTerm(MessageType.APPEND_REQUEST);
    return frame.writeLong(prevIndex).writeLong(1).writeLong(0).writeInt(count);
  }

  /** Writes an entry by hand, so its fields can hold what the record would refuse. */
  private static void writeEntry(ByteBuf frame, long term, long index, int kindCode, byte[] data) {
    WireWriter out = new WireWriter(frame);
    out.writeLong(term);
    out.writeLong(index);
    out.writeUnsignedByte(kindCode);
    out.writeBytes(data);
  }

  /** The encoding of a valid message with its group replaced by arbitrary bytes. */
  private static ByteBuf withGroupBytes(RaftMessage message, byte[] group) {
    ByteBuf valid = encode(message);
    ByteBuf frame = Unpooled.buffer();
    frame.writeBytes(valid, 0, Envelope.SIZE);
    frame.writeInt(group.length).writeBytes(group);
    frame.writeBytes(valid, TERM_OFFSET, valid.writerIndex() - TERM_OFFSET);
    return frame;
  }
}
