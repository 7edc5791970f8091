package io.polis.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.KeyValueStore;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/** Round trips of every command and result, and what decoding does with bytes that are almost right. */
class KvFormatPropertiesTest {

  @Property
  void commandsRoundTrip(@ForAll("commands") KvCommand command) {
    Statistics.collect(command.op());
    assertThat(KvCodec.decodeCommand(KvCodec.encode(command))).isEqualTo(command);
  }

  @Property
  void resultsRoundTrip(@ForAll("results") KvResult result) {
    Statistics.collect(result.kind());
    assertThat(KvCodec.decodeResult(KvCodec.encode(result))).isEqualTo(result);
  }

  @Property(tries = 2000)
  void damagedCommandDecodesToItsOwnEncodingOrFailsWithAFormatError(@ForAll("commands") KvCommand command,
      @ForAll @IntRange(min = 0, max = 2) int damage, @ForAll int position, @ForAll byte replacement) {
    byte[] bytes = KvCodec.encode(command);
    int at = Math.floorMod(position, bytes.length);
    byte[] damaged = switch (damage) {
      case 0 -> Arrays.copyOf(bytes, at); // truncated
      case 1 -> {
        byte[] copy = bytes.clone();
        copy[at] = replacement;
        yield copy;
      }
      default -> Arrays.copyOf(bytes, bytes.length + 1 + Math.floorMod(position, 8)); // padded
    };

    try {
      KvCommand decoded = KvCodec.decodeCommand(damaged);
      // One meaning per encoding: whatever decodes must encode back to exactly the same bytes.
      assertThat(KvCodec.encode(decoded)).isEqualTo(damaged);
      Statistics.collect("still a command");
    } catch (KvFormatException e) {
      assertThat(e.getMessage()).isNotBlank();
      Statistics.collect("refused");
    }
  }

  @Property(tries = 2000)
  void anyBytesAreAppliedAsACommandOrRejectedWithoutThrowing(@ForAll byte[] bytes) {
    KvResult result = KvCodec.decodeResult(new KvStateMachine().apply(1, bytes));

    if (result instanceof KvResult.Rejected rejected) {
      assertThat(rejected.reason()).isNotBlank();
    } else {
      assertThat(KvCodec.encode(KvCodec.decodeCommand(bytes))).isEqualTo(bytes);
    }
  }

  @Property(tries = 200)
  void oversizedKeyIsRefusedBeforeProposing(@ForAll @IntRange(min = 1025, max = 3000) int bytes) {
    assertThatThrownBy(() -> new KvCommand.Delete("k".repeat(bytes)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key is " + bytes + " bytes in UTF-8, more than the 1024 allowed");
  }

  @Provide
  Arbitrary<KvCommand> commands() {
    Arbitrary<String> keys = keys();
    Arbitrary<byte[]> values = values();
    Arbitrary<Long> versions = Arbitraries.longs().between(0, Long.MAX_VALUE).edgeCases(e -> e.add(0L, 1L));
    return Arbitraries.oneOf(
        Combinators.combine(keys, values).as(KvCommand.Put::new),
        keys.map(KvCommand.Delete::new),
        Combinators.combine(keys, versions, values).as(KvCommand.CompareAndSet::new),
        Combinators.combine(keys, versions.filter(v -> v >= 1)).as(KvCommand.CompareAndDelete::new));
  }

  @Provide
  Arbitrary<KvResult> results() {
    Arbitrary<Long> versions = Arbitraries.longs().between(0, Long.MAX_VALUE);
    Arbitrary<KvEntry> entries = Combinators.combine(values().injectNull(0.3), versions, versions).as(KvEntry::new);
    return Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of(true, false), versions).as(KvResult.Put::new),
        Combinators.combine(Arbitraries.of(true, false), versions).as(KvResult.Delete::new),
        versions.map(KvResult.Swapped::new),
        entries.map(KvResult.NotSwapped::new),
        unicode(0, 200).map(KvResult.Rejected::new));
  }

  /** Keys of every size class up to the limit, in every UTF-8 width, including supplementary characters. */
  static Arbitrary<String> keys() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, unicode(1, 250)),
        Tuple.of(2, Arbitraries.strings().alpha().numeric().withChars('/', '-', '.').ofMinLength(1).ofMaxLength(64)),
        Tuple.of(2, Arbitraries.of("a", "b", "ключ", "\uD83D\uDD11")),
        Tuple.of(1, Arbitraries.just("x".repeat(KeyValueStore.MAX_KEY_BYTES))));
  }

  static Arbitrary<byte[]> values() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
  }

  /** Well-formed strings of any code points (no lone surrogates), at most 4 UTF-8 bytes per code point. */
  static Arbitrary<String> unicode(int minCodePoints, int maxCodePoints) {
    return Arbitraries.integers().between(1, Character.MAX_CODE_POINT)
        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
        .list().ofMinSize(minCodePoints).ofMaxSize(maxCodePoints)
        .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
  }
}
