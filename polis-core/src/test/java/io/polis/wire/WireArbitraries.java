package io.polis.wire;

import io.polis.node.Address;
import io.polis.node.MemberId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

  /**
   * Any message of any type. Each source is weighted by the number of types it yields, so that even the
   * rarest type comes up a dozen times or more in a default run of 1,000 tries.
   */
  static Arbitrary<Message> messages() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, hellos()),
        Tuple.of(1, welcomes()),
        Tuple.of(1, authProofs()),
        Tuple.of(1, rejects()),
        Tuple.of(1, dataMessages()),
        Tuple.of(3, Arbitraries.of(Accepted.INSTANCE, Heartbeat.INSTANCE, Goodbye.INSTANCE)),
        Tuple.of(6, swimMessages()),
        Tuple.of(10, raftMessages()));
  }

  /** Any Raft message, each type equally likely. */
  static Arbitrary<Message> raftMessages() {
    Arbitrary<Long> terms = nonNegativeLongs();
    Arbitrary<Long> indexes = nonNegativeLongs();
    Arbitrary<Long> contexts = Arbitraries.longs();
    Arbitrary<Boolean> flags = Arbitraries.of(true, false);
    return Arbitraries.oneOf(
        Combinators.combine(groups(), terms, indexes, terms, flags, flags).as(VoteRequest::new),
        Combinators.combine(groups(), terms, flags, flags).as(VoteResponse::new),
        appendRequests(),
        Combinators.combine(groups(), terms, flags, indexes, indexes, terms).as(AppendResponse::new),
        Combinators.combine(groups(), terms, indexes, contexts).as(RaftHeartbeat::new),
        Combinators.combine(groups(), terms, contexts).as(RaftHeartbeatResponse::new),
        Combinators.combine(groups(), terms).as(TimeoutNow::new),
        Combinators.combine(groups(), terms, contexts).as(ReadIndexRequest::new),
        Combinators.combine(groups(), terms, contexts, indexes).as(ReadIndexResponse::new),
        forwardedProposals(),
        installSnapshots(),
        Combinators.combine(groups(), nonNegativeLongs(), nonNegativeLongs(), Arbitraries.of(true, false),
            nonNegativeLongs()).as(InstallSnapshotResponse::new));
  }

  /**
   * Append requests from probes (no entries) to a few dozen entries, numbered consecutively from
   * {@code prevIndex + 1} as the constructor demands. {@code prevIndex} stays far enough below
   * {@code Long.MAX_VALUE} for the entries to fit.
   */
  static Arbitrary<AppendRequest> appendRequests() {
    Arbitrary<Long> prevIndexes = Arbitraries.longs().between(0, Long.MAX_VALUE - RaftMessage.MAX_ENTRIES);
    Arbitrary<List<UnnumberedEntry>> entries = Combinators.combine(
            nonNegativeLongs(), Arbitraries.of(EntryKind.class), entryData())
        .as(UnnumberedEntry::new).list().ofMaxSize(32);
    return Combinators.combine(groups(), nonNegativeLongs(), prevIndexes, nonNegativeLongs(), nonNegativeLongs(),
            entries)
        .as((group, term, prevIndex, prevTerm, commit, unnumbered) -> {
          List<LogEntry> numbered = new ArrayList<>(unnumbered.size());
          for (int i = 0; i < unnumbered.size(); i++) {
            numbered.add(unnumbered.get(i).at(prevIndex + 1 + i));
          }
          return new AppendRequest(group, term, prevIndex, prevTerm, commit, numbered);
        });
  }

  static Arbitrary<ForwardedProposal> forwardedProposals() {
    return Combinators.combine(groups(), nonNegativeLongs(), entryData().list().ofMinSize(1).ofMaxSize(16))
        .as(ForwardedProposal::new);
  }

  /** Snapshot chunks: a chunk lies inside the announced size, and the snapshot's term is the leader's or older. */
  static Arbitrary<InstallSnapshot> installSnapshots() {
    Arbitrary<Long> positive = Arbitraries.longs().greaterOrEqual(1);
    return Combinators.combine(groups(), positive, positive, entryData(), entryData(), Arbitraries.integers(),
            Arbitraries.longs().between(0, 1L << 40), Arbitraries.longs().between(0, 1L << 40))
        .as((group, term, index, configuration, chunk, crc, before, after) -> new InstallSnapshot(group, term, index,
            Math.max(1, term / 2), configuration, before + chunk.length + after, crc, before, chunk));
  }

  /** Group names of 1 to 64 bytes of UTF-8; {@link #utf8} fills half of them to exactly the cap. */
  static Arbitrary<String> groups() {
    return utf8(RaftMessage.MAX_GROUP_BYTES).filter(s -> !s.isEmpty());
  }

  /**
   * Entry data and forwarded commands: often empty (a no-op, or an empty command), mostly small, now
   * and then a few KiB. Smaller than {@link #payloads()}, as a message carries dozens of them.
   */
  static Arbitrary<byte[]> entryData() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(new byte[0])),
        Tuple.of(6, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
        Tuple.of(1, seededBytes(65, 8 * 1024)));
  }

  /** Terms and indexes: jqwik's edge cases include 0 and {@code Long.MAX_VALUE}. */
  private static Arbitrary<Long> nonNegativeLongs() {
    return Arbitraries.longs().greaterOrEqual(0);
  }

  /** An entry before {@link #appendRequests()} gives it its place in the log. */
  private record UnnumberedEntry(long term, EntryKind kind, byte[] data) {
    LogEntry at(long index) {
      return new LogEntry(term, index, kind, data);
    }
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
