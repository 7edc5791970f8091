package io.polis.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.polis.node.Address;
import io.polis.node.MemberId;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The record constructors refuse what the codec could not carry intact, so a message that can be built
 * always reaches the peer as it was built. Both cases here were found by
 * {@link MessageCodecPropertiesTest#everyMessageTheConstructorsAcceptRoundTrips}.
 */
class WireLimitsTest {

  private static final MemberId MEMBER = new MemberId(new UUID(1, 2));

  @ParameterizedTest
  @ValueSource(strings = {"\uD800", "a\uDC00", "\uDC00\uD800", "ok\uD83D"})
  void refusesChannelWithAnUnpairedSurrogate(String channel) {
    // The UTF-8 encoder would send '?' in its place, delivering the message on another channel.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new DataMessage(channel, new byte[0]))
        .withMessageContaining("channel has an unpaired surrogate");
  }

  @Test
  void refusesRejectDetailAndClusterNameWithAnUnpairedSurrogate() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Reject(RejectReason.PROTOCOL_ERROR, "bad \uD800"))
        .withMessageContaining("reject detail has an unpaired surrogate");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Hello("polis\uDFFF", MEMBER, new Address("h", 1), new byte[32]))
        .withMessageContaining("cluster name has an unpaired surrogate");
  }

  @Test
  void acceptsSurrogatePairs() {
    assertThatNoException().isThrownBy(() -> new DataMessage("\uD83D\uDE00", new byte[0]));
  }

  @Test
  void refusesAdvertisedHostLongerThanTheWireCapInBytes() {
    // 127 chars is well inside Address's limit of 253 chars, but 254 bytes of UTF-8 is one over the
    // decoder's cap: before the fix the peer refused the handshake as malformed.
    Address host = new Address("é".repeat(127), 7800);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Hello("polis", MEMBER, host, new byte[32]))
        .withMessage("advertised address host is longer than 253 bytes of UTF-8");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Welcome("polis", MEMBER, host, new byte[32], new byte[0]))
        .withMessage("advertised address host is longer than 253 bytes of UTF-8");
  }

  @Test
  void advertisedHostAtTheWireCapRoundTrips() {
    Hello hello = new Hello("polis", MEMBER, new Address("é".repeat(126) + "x", 7800), new byte[32]);
    ByteBuf buffer = Unpooled.buffer();
    MessageCodec.encode(hello, buffer);

    assertThat(MessageCodec.decode(buffer)).isEqualTo(hello);
  }
}
