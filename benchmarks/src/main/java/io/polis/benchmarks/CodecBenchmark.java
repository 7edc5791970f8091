package io.polis.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.wire.DataMessage;
import io.polis.wire.Envelope;
import io.polis.wire.Hello;
import io.polis.wire.Message;
import io.polis.wire.MessageCodec;
import io.polis.wire.MessageType;
import io.polis.wire.WireLimits;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encode and decode throughput of {@link MessageCodec} for a {@link DataMessage} with a 100-byte payload
 * and for a {@link Hello}, each paired with a hand-written baseline that writes or reads exactly the same
 * bytes with plain {@code ByteBuf} calls ({@code writeInt} + {@code writeBytes} and their reads).
 *
 * <p>The ratio codec/baseline is the cost of what the codec adds on top of copying bytes: the envelope
 * checks, the type dispatch, UTF-8 encoding and strict decoding of strings (the baseline writes
 * pre-encoded bytes and reads raw bytes), bounds checks, and the record constructors' validation and
 * defensive copies. Both sides allocate the same output arrays when decoding, so that allocation is
 * not counted as overhead.
 *
 * <p>Encoding appends to one reused pooled direct buffer, cleared before each operation, the kind of
 * buffer {@code FrameEncoder} gets from the channel's allocator. Decoding reads one prepared buffer
 * whose reader index is reset before each operation. {@link #checkBaselinesWriteTheCodecsBytes()}
 * refuses to run if a baseline's bytes differ from the codec's.
 *
 * <p>Run: {@code benchmarks/run.sh CodecBenchmark}, or
 * {@code java -jar benchmarks/target/benchmarks.jar CodecBenchmark -f 1 -wi 3 -w 2s -i 5 -r 3s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CodecBenchmark {

  private static final int PAYLOAD_BYTES = 100;

  private final DataMessage data;
  private final Hello hello;

  // Pre-encoded pieces for the baselines: they copy bytes and do nothing else.
  private final byte[] channelUtf8;
  private final byte[] payload;
  private final byte[] clusterUtf8;
  private final byte[] hostUtf8;
  private final long memberMost;
  private final long memberLeast;
  private final int port;
  private final byte[] nonce;

  private final ByteBuf out;
  private final ByteBuf encodedData;
  private final ByteBuf encodedHello;

  /** Builds the messages from a fixed seed, so every run encodes the same bytes, and the buffers. */
  public CodecBenchmark() {
    Random random = new Random(42);
    payload = new byte[PAYLOAD_BYTES];
    random.nextBytes(payload);
    nonce = new byte[WireLimits.NONCE_BYTES];
    random.nextBytes(nonce);
    UUID id = new UUID(random.nextLong(), random.nextLong());
    Address address = new Address("10.0.0.12", 7800);

    data = new DataMessage("bench", payload);
    hello = new Hello("polis", new MemberId(id), address, nonce);

    channelUtf8 = data.channel().getBytes(StandardCharsets.UTF_8);
    clusterUtf8 = hello.clusterName().getBytes(StandardCharsets.UTF_8);
    hostUtf8 = address.host().getBytes(StandardCharsets.UTF_8);
    memberMost = id.getMostSignificantBits();
    memberLeast = id.getLeastSignificantBits();
    port = address.port();

    // 256 bytes hold either message, so no operation ever grows a buffer.
    out = PooledByteBufAllocator.DEFAULT.directBuffer(256);
    encodedData = PooledByteBufAllocator.DEFAULT.directBuffer(256);
    MessageCodec.encode(data, encodedData);
    encodedHello = PooledByteBufAllocator.DEFAULT.directBuffer(256);
    MessageCodec.encode(hello, encodedHello);
  }

  /** Checks the baselines before measuring; see {@link #checkBaselinesWriteTheCodecsBytes()}. */
  @Setup
  public void setUp() {
    checkBaselinesWriteTheCodecsBytes();
  }

  /** Returns the buffers to the pool. */
  @TearDown
  public void tearDown() {
    out.release();
    encodedData.release();
    encodedHello.release();
  }

  /**
   * A baseline only measures something if it handles the same bytes as the codec; checked once per
   * trial so that a change of wire layout cannot silently leave a stale baseline behind.
   */
  void checkBaselinesWriteTheCodecsBytes() {
    check("DataMessage", encodedData, encodeDataBaseline());
    check("Hello", encodedHello, encodeHelloBaseline());
    Message decoded = decodeData();
    if (!data.equals(decoded)) {
      throw new IllegalStateException("codec round trip changed the DataMessage: " + decoded);
    }
    if (!hello.equals(decodeHello())) {
      throw new IllegalStateException("codec round trip changed the Hello");
    }
  }

  private static void check(String what, ByteBuf expected, ByteBuf actual) {
    if (expected.writerIndex() != actual.writerIndex()
        || !ByteBufUtil.equals(expected, 0, actual, 0, expected.writerIndex())) {
      throw new IllegalStateException("the " + what + " baseline does not write the codec's bytes:\n"
          + ByteBufUtil.prettyHexDump(expected, 0, expected.writerIndex()) + "\nvs\n"
          + ByteBufUtil.prettyHexDump(actual, 0, actual.writerIndex()));
    }
  }

  /**
   * Encodes a DataMessage with the codec.
   *
   * @return the buffer, so the JIT cannot drop the writes
   */
  @Benchmark
  public ByteBuf encodeData() {
    out.clear();
    MessageCodec.encode(data, out);
    return out;
  }

  /**
   * Writes a DataMessage's bytes by hand: envelope, then length-prefixed channel and payload.
   *
   * @return the buffer, so the JIT cannot drop the writes
   */
  @Benchmark
  public ByteBuf encodeDataBaseline() {
    out.clear();
    writeEnvelope(out, MessageType.DATA);
    out.writeInt(channelUtf8.length);
    out.writeBytes(channelUtf8);
    out.writeInt(payload.length);
    out.writeBytes(payload);
    return out;
  }

  /**
   * Decodes a DataMessage with the codec.
   *
   * @return the message
   */
  @Benchmark
  public Message decodeData() {
    encodedData.readerIndex(0);
    return MessageCodec.decode(encodedData);
  }

  /**
   * Reads a DataMessage's bytes by hand into new arrays, without checks.
   *
   * @param bh consumes the fields read
   */
  @Benchmark
  public void decodeDataBaseline(Blackhole bh) {
    ByteBuf in = encodedData;
    in.readerIndex(0);
    bh.consume(in.readInt()); // magic, version, type, flags as one read: the baseline does not check them
    bh.consume(in.readByte());
    byte[] channel = new byte[in.readInt()];
    in.readBytes(channel);
    byte[] body = new byte[in.readInt()];
    in.readBytes(body);
    bh.consume(channel);
    bh.consume(body);
  }

  /**
   * Encodes a Hello with the codec.
   *
   * @return the buffer, so the JIT cannot drop the writes
   */
  @Benchmark
  public ByteBuf encodeHello() {
    out.clear();
    MessageCodec.encode(hello, out);
    return out;
  }

  /**
   * Writes a Hello's bytes by hand: envelope, cluster name, member id, address, nonce.
   *
   * @return the buffer, so the JIT cannot drop the writes
   */
  @Benchmark
  public ByteBuf encodeHelloBaseline() {
    out.clear();
    writeEnvelope(out, MessageType.HELLO);
    out.writeInt(clusterUtf8.length);
    out.writeBytes(clusterUtf8);
    out.writeLong(memberMost);
    out.writeLong(memberLeast);
    out.writeInt(hostUtf8.length);
    out.writeBytes(hostUtf8);
    out.writeShort(port);
    out.writeBytes(nonce);
    return out;
  }

  /**
   * Decodes a Hello with the codec.
   *
   * @return the message
   */
  @Benchmark
  public Message decodeHello() {
    encodedHello.readerIndex(0);
    return MessageCodec.decode(encodedHello);
  }

  /**
   * Reads a Hello's bytes by hand into new arrays and longs, without checks.
   *
   * @param bh consumes the fields read
   */
  @Benchmark
  public void decodeHelloBaseline(Blackhole bh) {
    ByteBuf in = encodedHello;
    in.readerIndex(0);
    bh.consume(in.readInt());
    bh.consume(in.readByte());
    byte[] cluster = new byte[in.readInt()];
    in.readBytes(cluster);
    bh.consume(in.readLong());
    bh.consume(in.readLong());
    byte[] host = new byte[in.readInt()];
    in.readBytes(host);
    bh.consume(in.readUnsignedShort());
    byte[] nonceRead = new byte[WireLimits.NONCE_BYTES];
    in.readBytes(nonceRead);
    bh.consume(cluster);
    bh.consume(host);
    bh.consume(nonceRead);
  }

  private static void writeEnvelope(ByteBuf out, MessageType type) {
    out.writeShort(Envelope.MAGIC);
    out.writeByte(Envelope.CURRENT_VERSION);
    out.writeByte(type.code());
    out.writeByte(0);
  }
}
