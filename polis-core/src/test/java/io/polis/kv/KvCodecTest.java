package io.polis.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.KeyValueStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * The key-value binary format, byte by byte: what each command and result looks like, and hand-made
 * broken inputs, each refused with a {@link KvFormatException} that names what was wrong.
 */
class KvCodecTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void putIsFormatOpKeyAndSizedValue() {
    byte[] bytes = KvCodec.encode(new KvCommand.Put("ab", new byte[] {7, 8}));

    assertThat(HEX.formatHex(bytes)).isEqualTo("01" + "01" + "0002" + "6162" + "00000002" + "0708");
  }

  @Test
  void compareAndSetCarriesTheExpectedVersionBeforeTheValue() {
    byte[] bytes = KvCodec.encode(new KvCommand.CompareAndSet("k", 5, new byte[] {1}));

    assertThat(HEX.formatHex(bytes)).isEqualTo("01" + "03" + "0001" + "6b" + "0000000000000005" + "00000001" + "01");
  }

  @Test
  void everyCommandRoundTrips() {
    for (KvCommand command : new KvCommand[] {new KvCommand.Put("k", new byte[0]), new KvCommand.Delete("κλειδί"),
        new KvCommand.CompareAndSet("k", KeyValueStore.ABSENT, new byte[] {1, 2}),
        new KvCommand.CompareAndDelete("\uD83D\uDD11", 9)}) {
      assertThat(KvCodec.decodeCommand(KvCodec.encode(command))).isEqualTo(command);
    }
  }

  @Test
  void everyResultRoundTrips() {
    for (KvResult result : new KvResult[] {new KvResult.Put(true, 1), new KvResult.Delete(false, 4),
        new KvResult.Swapped(Long.MAX_VALUE), new KvResult.NotSwapped(KvEntry.ABSENT),
        new KvResult.NotSwapped(new KvEntry(null, 3, 12)), new KvResult.NotSwapped(new KvEntry(new byte[] {9}, 2, 7)),
        new KvResult.Rejected("unknown command op 0x09")}) {
      assertThat(KvCodec.decodeResult(KvCodec.encode(result))).isEqualTo(result);
    }
  }

  @Test
  void longRejectionReasonIsCutToAThousandCharacters() {
    KvResult decoded = KvCodec.decodeResult(KvCodec.encode(new KvResult.Rejected("x".repeat(5000))));

    assertThat(((KvResult.Rejected) decoded).reason()).hasSize(1000);
  }

  @Test
  void refusesEmptyInput() {
    assertRefused(new byte[0]).hasMessage("command is truncated: format needs 1 bytes, 0 remain");
  }

  @Test
  void refusesAnotherFormatVersion() {
    assertRefused(HEX.parseHex("02" + "02" + "0001" + "6b"))
        .hasMessage("command format 2 is not supported (this member reads format 1)");
  }

  @Test
  void refusesAnUnknownOp() {
    assertRefused(HEX.parseHex("01" + "09" + "0001" + "6b")).hasMessage("unknown command op 0x09");
  }

  @Test
  void refusesAValueLongerThanWhatIsLeft() {
    assertRefused(HEX.parseHex("01" + "01" + "0001" + "6b" + "7fffffff" + "010203"))
        .hasMessage("command value claims 2147483647 bytes but 3 remain");
  }

  @Test
  void refusesANegativeValueLength() {
    assertRefused(HEX.parseHex("01" + "01" + "0001" + "6b" + "ffffffff"))
        .hasMessage("command value claims -1 bytes but 0 remain");
  }

  @Test
  void refusesAKeyLongerThanWhatIsLeft() {
    assertRefused(HEX.parseHex("01" + "02" + "0010" + "6b")).hasMessage("command key claims 16 bytes but 1 remain");
  }

  @Test
  void refusesAnEmptyKey() {
    assertRefused(HEX.parseHex("01" + "02" + "0000")).hasMessage("command has an empty key");
  }

  @Test
  void refusesAKeyOverTheLimitBeforeReadingIt() {
    assertRefused(HEX.parseHex("01" + "02" + "0401")).hasMessage("command key of 1025 bytes exceeds the 1024 allowed");
  }

  @Test
  void refusesAKeyThatIsNotUtf8() {
    assertRefused(HEX.parseHex("01" + "02" + "0002" + "c328")).hasMessage("command key is not well-formed UTF-8");
  }

  @Test
  void refusesASurrogateEncodedAsUtf8() {
    // CESU-8 style: a lenient decoder would accept it and two byte strings would name one key.
    assertRefused(HEX.parseHex("01" + "02" + "0003" + "eda080")).hasMessage("command key is not well-formed UTF-8");
  }

  @Test
  void refusesTrailingBytes() {
    assertRefused(HEX.parseHex("01" + "02" + "0001" + "6b" + "00")).hasMessage("1 unexpected bytes after the command");
  }

  @Test
  void refusesANegativeExpectedVersion() {
    byte[] bytes = ByteBuffer.allocate(17).put((byte) 1).put((byte) 3).putShort((short) 1).put((byte) 'k')
        .putLong(-1).putInt(0).array();

    assertRefused(bytes)
        .hasMessage("command expectedVersion must be 0 (absent) or a version of at least 1, was -1");
  }

  @Test
  void refusesACompareAndDeleteOfVersionZero() {
    byte[] bytes = ByteBuffer.allocate(13).put((byte) 1).put((byte) 4).putShort((short) 1).put((byte) 'k')
        .putLong(0).array();

    assertRefused(bytes).hasMessage("command expectedVersion of a compare-and-delete must be at least 1, was 0");
  }

  @Test
  void refusesEveryTruncationOfAValidCommand() {
    byte[] whole = KvCodec.encode(new KvCommand.CompareAndSet("key", 3, "value".getBytes(StandardCharsets.UTF_8)));

    for (int length = 0; length < whole.length; length++) {
      byte[] prefix = java.util.Arrays.copyOf(whole, length);
      assertThatThrownBy(() -> KvCodec.decodeCommand(prefix)).as("prefix of %d bytes", length)
          .isExactlyInstanceOf(KvFormatException.class);
    }
  }

  @Test
  void refusesAResultBooleanThatIsNeitherZeroNorOne() {
    assertThatThrownBy(() -> KvCodec.decodeResult(HEX.parseHex("01" + "01" + "02" + "0000000000000001")))
        .isExactlyInstanceOf(KvFormatException.class)
        .hasMessage("result field created is 2, not a boolean (0 or 1)");
  }

  @Test
  void refusesAnUnknownResultTag() {
    assertThatThrownBy(() -> KvCodec.decodeResult(HEX.parseHex("01" + "05")))
        .isExactlyInstanceOf(KvFormatException.class).hasMessage("unknown result tag 0x05");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(byte[] bytes) {
    return assertThatThrownBy(() -> KvCodec.decodeCommand(bytes)).isExactlyInstanceOf(KvFormatException.class);
  }
}
