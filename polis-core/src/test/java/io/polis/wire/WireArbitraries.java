package io.polis.wire;

import io.polis.node.Address;
import io.polis.node.MemberId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators for every wire message, each producing only values the record constructors accept, so a
 * round-trip failure is always a codec bug and never a generator artefact.
 */
final class WireArbitraries {

  private WireArbitraries() {}

  /** Any message of any type, weighted so that each type shows up in a default run. */
  static Arbitrary<Message> messages() {
    return Arbitraries.oneOf(
        hellos(), welcomes(), authProofs(), rejects(), dataMessages(),
        Arbitraries.of(Accepted.INSTANCE, Heartbeat.INSTANCE, Goodbye.INSTANCE),
        swimMessages());
  }

  /** Any SWIM message, with gossip lists from empty to a few dozen updates. */
  static Arbitrary<Message> swimMessages() {
    Arbitrary<List<MemberUpdate>> gossip = memberUpdates().list().ofMaxSize(24);
    Arbitrary<Long> seqs = Arbitraries.longs();
    return Arbitraries.oneOf(
        Combinators.combine(seqs, memberIds(), gossip).as(Ping::new),
        Combinators.combine(seqs, memberIds(), gossip).as(Ack::new),
        seqs.map(Nack::new),
        Combinators.combine(seqs, memberIds(), addresses(), gossip).as(PingReq::new),
        Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false), gossip).as(PushPull::new),
        gossip.map(Gossip::new));
  }

  static Arbitrary<MemberUpdate> memberUpdates() {
    Arbitrary<java.util.Map<String, String>> metadata =
        Arbitraries.maps(utf8(32), utf8(64)).ofMaxSize(4);
    return Combinators.combine(Arbitraries.of(MemberUpdate.Status.class), memberIds(), addresses(),
        Arbitraries.longs().greaterOrEqual(0), metadata, memberIds()).as(MemberUpdate::new);
  }

  static Arbitrary<Hello> hellos() {
    return Combinators.combine(clusterNames(), memberIds(), addresses(), nonces()).as(Hello::new);
  }

  static Arbitrary<Welcome> welcomes() {
    return Combinators.combine(clusterNames(), memberIds(), addresses(), nonces(), proofs()).as(Welcome::new);
  }

  static Arbitrary<AuthProof> authProofs() {
    return proofs().map(AuthProof::new);
  }

  static Arbitrary<Reject> rejects() {
    return Combinators.combine(Arbitraries.of(RejectReason.class), utf8(WireLimits.MAX_REJECT_DETAIL_BYTES))
        .as(Reject::new);
  }

  static Arbitrary<DataMessage> dataMessages() {
    return Combinators.combine(utf8(WireLimits.MAX_CHANNEL_BYTES), payloads()).as(DataMessage::new);
  }

  static Arbitrary<String> clusterNames() {
    return utf8(WireLimits.MAX_CLUSTER_NAME_BYTES).filter(s -> !s.isBlank());
  }

  static Arbitrary<MemberId> memberIds() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as((hi, lo) -> new MemberId(new UUID(hi, lo)));
  }

  static Arbitrary<Address> addresses() {
    // The host cap on the wire is in bytes of UTF-8; Address's own cap (in chars) is never the tighter one.
    return Combinators.combine(
            utf8(WireLimits.MAX_HOST_BYTES).filter(s -> !s.isBlank()), Arbitraries.integers().between(0, 65535))
        .as(Address::new);
  }

  static Arbitrary<byte[]> nonces() {
    return Arbitraries.bytes().array(byte[].class).ofSize(WireLimits.NONCE_BYTES);
  }

  /** A proof is either absent (no cluster secret) or exactly one HMAC-SHA256 long. */
  static Arbitrary<byte[]> proofs() {
    return Arbitraries.oneOf(
        Arbitraries.just(new byte[0]),
        Arbitraries.bytes().array(byte[].class).ofSize(WireLimits.PROOF_BYTES));
  }

  /**
   * Payloads from empty to a few MiB. Big ones are filled from a seeded generator rather than byte by
   * byte through jqwik, which would be slow and would shrink a failure one byte at a time.
   */
  static Arbitrary<byte[]> payloads() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(new byte[0])),
        Tuple.of(6, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
        Tuple.of(3, seededBytes(65, 64 * 1024)),
        Tuple.of(1, seededBytes(1024 * 1024, 3 * 1024 * 1024)));
  }

  private static Arbitrary<byte[]> seededBytes(int minSize, int maxSize) {
    return Combinators.combine(Arbitraries.integers().between(minSize, maxSize), Arbitraries.longs())
        .as((size, seed) -> {
          byte[] bytes = new byte[size];
          new SplittableRandom(seed).nextBytes(bytes);
          return bytes;
        });
  }

  /**
   * Strings whose UTF-8 encoding fits in {@code maxBytes}: half of them stop anywhere below the cap,
   * half are filled to exactly the cap, which is where an off-by-one in a length check would show.
   */
  static Arbitrary<String> utf8(int maxBytes) {
    Arbitrary<List<Integer>> codePoints = codePoints().list().ofMaxSize(maxBytes);
    return Arbitraries.oneOf(
        codePoints.map(cps -> fit(cps, maxBytes, false)),
        codePoints.map(cps -> fit(cps, maxBytes, true)));
  }

  /**
   * Unicode scalar values from every UTF-8 length class: 1 byte (including controls), 2, 3 (both sides
   * of the surrogate block) and 4 (supplementary planes). Lone surrogates are not strings a sender can
   * encode, so they are left out here and tested as malformed input instead.
   */
  static Arbitrary<Integer> codePoints() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.integers().between(0x20, 0x7E)),
        Tuple.of(1, Arbitraries.integers().between(0x00, 0x7F)),
        Tuple.of(2, Arbitraries.integers().between(0x80, 0x7FF)),
        Tuple.of(2, Arbitraries.integers().between(0x800, 0xD7FF)),
        Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF)),
        Tuple.of(3, Arbitraries.integers().between(0x10000, Character.MAX_CODE_POINT)));
  }

  /**
   * Any Java strings up to {@code maxChars} UTF-16 units, including lone and swapped surrogates, which
   * have no UTF-8 form. For checking that constructors refuse what the codec could not carry.
   */
  static Arbitrary<String> anyStrings(int maxChars) {
    Arbitrary<Character> units = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.chars().range(' ', '~')),
        Tuple.of(2, Arbitraries.chars().range('\u0080', '\u07FF')),
        Tuple.of(2, Arbitraries.chars().range('\u0800', '\uFFFF')),
        Tuple.of(1, Arbitraries.chars().range(Character.MIN_SURROGATE, Character.MAX_SURROGATE)));
    return units.list().ofMaxSize(maxChars).map(list -> {
      StringBuilder text = new StringBuilder(list.size());
      list.forEach(text::append);
      return text.toString();
    });
  }

  private static String fit(List<Integer> codePoints, int maxBytes, boolean fillToCap) {
    StringBuilder text = new StringBuilder();
    int bytes = 0;
    for (int codePoint : codePoints) {
      int length = utf8Length(codePoint);
      if (bytes + length > maxBytes) {
        if (!fillToCap) {
          break;
        }
        continue;
      }
      text.appendCodePoint(codePoint);
      bytes += length;
    }
    while (fillToCap && bytes < maxBytes) {
      text.append('x');
      bytes++;
    }
    String result = text.toString();
    if (result.getBytes(StandardCharsets.UTF_8).length != bytes) {
      throw new IllegalStateException("generator miscounted the UTF-8 length of " + result);
    }
    return result;
  }

  private static int utf8Length(int codePoint) {
    return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
}
