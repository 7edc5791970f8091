package io.polis.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.polis.node.Address;
import io.polis.node.MemberId;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.statistics.Statistics;

/** Round-trip properties of {@link MessageCodec} over random instances of every message type. */
class MessageCodecPropertiesTest {

  @Property
  void helloRoundTrips(@ForAll("hellos") Hello hello) {
    assertThat(roundTrip(hello)).isEqualTo(hello);
  }

  @Property
  void welcomeRoundTrips(@ForAll("welcomes") Welcome welcome) {
    assertThat(roundTrip(welcome)).isEqualTo(welcome);
  }

  @Property
  void authProofRoundTripsWhetherEmptyOrFull(@ForAll("authProofs") AuthProof proof) {
    Statistics.collect(proof.proof().length);
    assertThat(roundTrip(proof)).isEqualTo(proof);
    Statistics.coverage(coverage -> {
      coverage.check(0).count(c -> c > 0);
      coverage.check(WireLimits.PROOF_BYTES).count(c -> c > 0);
    });
  }

  @Property
  void rejectRoundTripsForEveryReason(@ForAll("rejects") Reject reject) {
    Statistics.collect(reject.reason());
    assertThat(roundTrip(reject)).isEqualTo(reject);
    Statistics.coverage(coverage -> {
      for (RejectReason reason : RejectReason.values()) {
        coverage.check(reason).count(c -> c > 0);
      }
    });
  }

  @Property
  void fieldlessMessagesRoundTrip(@ForAll("fieldless") Message message) {
    assertThat(roundTrip(message)).isEqualTo(message);
  }

  @Property(tries = 500)
  void dataMessageRoundTripsWithAnyChannelAndPayload(@ForAll("dataMessages") DataMessage message) {
    Statistics.label("payload").collect(sizeClass(message.payload().length));
    Statistics.label("channel at byte cap")
        .collect(message.channel().getBytes(StandardCharsets.UTF_8).length == WireLimits.MAX_CHANNEL_BYTES);
    Statistics.label("channel has supplementary characters")
        .collect(message.channel().codePoints().anyMatch(Character::isSupplementaryCodePoint));
    assertThat(roundTrip(message)).isEqualTo(message);
    Statistics.label("payload").coverage(coverage -> {
      coverage.check("empty").count(c -> c > 0);
      coverage.check("large").count(c -> c > 0);
    });
    Statistics.label("channel at byte cap").coverage(coverage -> coverage.check(true).count(c -> c > 0));
    Statistics.label("channel has supplementary characters")
        .coverage(coverage -> coverage.check(true).count(c -> c > 0));
  }

  @Property
  void appendRequestRoundTripsWithEveryEntryKindAndEmptyData(@ForAll("appendRequests") AppendRequest request) {
    Statistics.label("entries").collect(request.entries().isEmpty() ? "none (probe)" : "some");
    request.entries().forEach(e -> Statistics.label("entry kind").collect(e.kind()));
    request.entries().forEach(e -> Statistics.label("entry data").collect(e.data().length == 0 ? "empty" : "bytes"));
    Statistics.label("group at byte cap")
        .collect(request.group().getBytes(StandardCharsets.UTF_8).length == RaftMessage.MAX_GROUP_BYTES);
    assertThat(roundTrip(request)).isEqualTo(request);
    Statistics.label("entries").coverage(coverage -> {
      coverage.check("none (probe)").count(c -> c > 0);
      coverage.check("some").count(c -> c > 0);
    });
    Statistics.label("entry kind").coverage(coverage -> {
      for (EntryKind kind : EntryKind.values()) {
        coverage.check(kind).count(c -> c > 0);
      }
    });
    Statistics.label("entry data").coverage(coverage -> coverage.check("empty").count(c -> c > 0));
    Statistics.label("group at byte cap").coverage(coverage -> coverage.check(true).count(c -> c > 0));
  }

  @Property
  void forwardedProposalRoundTrips(@ForAll("forwardedProposals") ForwardedProposal proposal) {
    assertThat(roundTrip(proposal)).isEqualTo(proposal);
  }

  @Property
  void anyMessageRoundTrips(@ForAll("messages") Message message) {
    Statistics.collect(message.type());
    assertThat(roundTrip(message)).isEqualTo(message);
    Statistics.coverage(coverage -> {
      for (MessageType type : MessageType.values()) {
        coverage.check(type).count(c -> c > 0);
      }
    });
  }

  /**
   * The generators above only build valid values. This property feeds the constructors anything, so it
   * checks the other half of the contract: whatever a constructor accepts, the codec must carry intact,
   * or a sender could build a message its peer refuses or silently receives altered.
   */
  @Property
  void everyMessageTheConstructorsAcceptRoundTrips(
      @ForAll("looseStrings") String text, @ForAll("looseHosts") String host, @ForAll("nonces") byte[] bytes) {
    Statistics.coverage(coverage -> {
      coverage.check("accepted").count(c -> c > 0);
      coverage.check("refused by constructor").count(c -> c > 0);
    });
    Message message;
    try {
      message = switch (Math.floorMod(text.hashCode() ^ host.hashCode(), 4)) {
        case 0 -> new DataMessage(text, bytes);
        case 1 -> new Reject(RejectReason.PROTOCOL_ERROR, text);
        case 2 -> new VoteRequest(text, 1, 0, 0, false, false);
        default -> new Hello(text, new MemberId(new UUID(1, 2)), new Address(host, 7800), bytes);
      };
    } catch (IllegalArgumentException refusedUpFront) {
      Statistics.collect("refused by constructor");
      return;
    }
    Statistics.collect("accepted");
    assertThat(roundTrip(message)).isEqualTo(message);
  }

  @Property
  void decodingConsumesExactlyTheEncodedBytes(@ForAll("messages") Message message) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      MessageCodec.encode(message, buffer);
      int encodedLength = buffer.readableBytes();

      MessageCodec.decode(buffer);

      assertThat(buffer.isReadable()).as("bytes left unread").isFalse();
      assertThat(buffer.readerIndex()).isEqualTo(encodedLength);
    } finally {
      buffer.release();
    }
  }

  @Property
  void decodingRejectsAnyTrailingByte(@ForAll("messages") Message message, @ForAll byte extra) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      MessageCodec.encode(message, buffer);
      buffer.writeByte(extra);

      assertThatThrownBy(() -> MessageCodec.decode(buffer))
          .isInstanceOf(WireFormatException.class)
          .hasMessageContaining("1 unexpected bytes after the end of a " + message.type() + " body");
    } finally {
      buffer.release();
    }
  }

  @Property
  void decodingRejectsEveryTruncatedEncoding(
      @ForAll("messages") Message message, @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double cut) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      MessageCodec.encode(message, buffer);
      // Every field of every message is mandatory, so no strict prefix of an encoding is itself valid.
      buffer.writerIndex((int) (buffer.writerIndex() * cut));

      assertThatThrownBy(() -> MessageCodec.decode(buffer)).isInstanceOf(WireFormatException.class);
    } finally {
      buffer.release();
    }
  }

  @Provide
  Arbitrary<Hello> hellos() {
    return WireArbitraries.hellos();
  }

  @Provide
  Arbitrary<Welcome> welcomes() {
    return WireArbitraries.welcomes();
  }

  @Provide
  Arbitrary<AuthProof> authProofs() {
    return WireArbitraries.authProofs();
  }

  @Provide
  Arbitrary<Reject> rejects() {
    return WireArbitraries.rejects();
  }

  @Provide
  Arbitrary<Message> fieldless() {
    return Arbitraries.of(Accepted.INSTANCE, Heartbeat.INSTANCE, Goodbye.INSTANCE);
  }

  @Provide
  Arbitrary<DataMessage> dataMessages() {
    return WireArbitraries.dataMessages();
  }

  @Provide
  Arbitrary<String> looseStrings() {
    return WireArbitraries.anyStrings(WireLimits.MAX_CHANNEL_BYTES / 2);
  }

  /** Up to the Address limit in chars, which in UTF-8 may be up to three times the wire's byte cap. */
  @Provide
  Arbitrary<String> looseHosts() {
    return WireArbitraries.anyStrings(Address.MAX_HOST_LENGTH);
  }

  @Provide
  Arbitrary<byte[]> nonces() {
    return WireArbitraries.nonces();
  }

  @Provide
  Arbitrary<AppendRequest> appendRequests() {
    return WireArbitraries.appendRequests();
  }

  @Provide
  Arbitrary<ForwardedProposal> forwardedProposals() {
    return WireArbitraries.forwardedProposals();
  }

  @Provide
  Arbitrary<Message> messages() {
    return WireArbitraries.messages();
  }

  private static Message roundTrip(Message message) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      MessageCodec.encode(message, buffer);
      return MessageCodec.decode(buffer);
    } finally {
      buffer.release();
    }
  }

  private static String sizeClass(int length) {
    return length == 0 ? "empty" : length <= 64 ? "small" : length <= 64 * 1024 ? "medium" : "large";
  }
}
