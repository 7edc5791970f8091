package io.polis.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.TransportConfig;
import io.polis.transport.netty.NettyTransport;
import io.polis.wire.DataMessage;
import io.polis.wire.Envelope;
import io.polis.wire.MessageCodec;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * One-way message throughput between two nodes on 127.0.0.1: node A sends 100-byte payloads to node B
 * as fast as one sending thread can, in batches of {@value #BATCH}. One benchmark operation sends a batch
 * and waits until B has received all of it, so the score is delivered messages per second.
 *
 * <p>{@link #polis} goes through two {@link NettyTransport}s (handshake done in set-up, so only the
 * steady state is measured). {@link #rawNetty} is the baseline, measured in the same JMH run: a plain
 * {@link ServerBootstrap}/{@link Bootstrap} pair whose server cuts frames with
 * {@link LengthFieldBasedFrameDecoder}, in three {@code variant}s of the client:
 *
 * <ul>
 *   <li>{@code prepender}: {@link LengthFieldPrepender} in front of 100-byte {@link ByteBuf}s. The plain
 *       Netty recipe; the prepender writes the 4-byte length as a buffer of its own, so each message is
 *       two buffers in the outbound queue.
 *   <li>{@code encoder}: a minimal encoder that writes the length and the 100 bytes into one pooled
 *       buffer on the event loop, the buffer shape Polis's frame encoder produces. The tighter baseline:
 *       what is left between it and Polis is Polis's own work.
 *   <li>{@code flush-each}: {@code prepender} without flush consolidation, so one {@code write} syscall
 *       per message. Informative, to show what the consolidation buys; not a baseline.
 * </ul>
 *
 * Quote Polis as a ratio of a baseline: the absolute figures depend on the machine and on whatever else
 * runs on it.
 *
 * <p>What is kept the same on both paths:
 *
 * <ul>
 *   <li>NIO, one event-loop thread per node (Polis's {@code ioThreads(1)}), TCP_NODELAY, SO_KEEPALIVE and
 *       the same write-buffer water marks;
 *   <li>flushing: both call {@code writeAndFlush} once per message from the benchmark thread (Polis's
 *       {@code send} does so internally), and both pipelines merge those flushes with the same
 *       {@link FlushConsolidationHandler}(256, true) Polis uses, so both make the same syscalls (except
 *       in {@code flush-each});
 *   <li>the per-message copy into a pooled direct buffer happens on the sender's event loop, not on the
 *       benchmark thread: Polis encodes there, and so do the baselines (the prepender variants hand over a
 *       wrapped heap array that {@code NioSocketChannel} copies into a direct buffer);
 *   <li>the caller learns each send's outcome: a {@code whenComplete} on Polis's future, a listener on
 *       Netty's promise. A failed send counts as settled, so failures cannot hang a batch, and is reported
 *       in the secondary metrics {@code backpressureFailures} and {@code otherFailures}.
 * </ul>
 *
 * <p>What differs, and is Polis's cost: the frame (a Polis frame of this message is 122 bytes with its
 * envelope and channel name, the raw frame 104), the message encode and decode (the channel name is
 * decoded as strict UTF-8, the payload copied into a new array on receipt), the idle-state handler, and
 * the per-send bookkeeping of {@code PeerConnection}.
 *
 * <p>In-flight messages are bounded by the batch: the sender waits for the whole batch before the next,
 * so at most {@value #BATCH} messages (about 122 KB) are ever queued, far below the 1 MiB low-water mark;
 * a send should never fail with {@link io.polis.transport.BackpressureException}, and if one does it is
 * counted, not hidden.
 *
 * <p>Run: {@code benchmarks/run.sh LoopbackThroughputBenchmark}, or
 * {@code java -jar benchmarks/target/benchmarks.jar LoopbackThroughputBenchmark -f 1 -wi 5 -w 2s -i 5 -r 3s -t 1}.
 * One sending thread only: the batch accounting does not support more.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LoopbackThroughputBenchmark {

  /** Messages per benchmark operation. */
  public static final int BATCH = 1_000;

  /** Bytes of each message's payload. */
  public static final int PAYLOAD_BYTES = 100;

  private static final String HOST = "127.0.0.1";
  private static final int MAX_FRAME_BYTES = TransportConfig.DEFAULT_MAX_FRAME_BYTES;
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(
      TransportConfig.DEFAULT_WRITE_BUFFER_LOW_WATERMARK, TransportConfig.DEFAULT_WRITE_BUFFER_HIGH_WATERMARK);

  static byte[] payload() {
    byte[] payload = new byte[PAYLOAD_BYTES];
    new Random(42).nextBytes(payload);
    return payload;
  }

  /**
   * Sends a batch through Polis and waits for B to receive it.
   *
   * @param pair the two Polis nodes
   * @param failures this iteration's failed sends
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void polis(PolisPair pair, SendFailures failures) {
    NettyTransport sender = pair.a;
    Address target = pair.target();
    pair.arrivals.expect(BATCH);
    for (int i = 0; i < BATCH; i++) {
      sender.send(target, pair.message).whenComplete(pair.onSent);
    }
    pair.arrivals.awaitBatch();
    failures.collect(pair.arrivals);
  }

  /**
   * Sends a batch through a plain Netty client and waits for the plain server to receive it.
   *
   * @param pair the two plain Netty endpoints
   * @param failures this iteration's failed sends
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void rawNetty(RawNettyPair pair, SendFailures failures) {
    Channel client = pair.client();
    boolean encoder = pair.variant.equals(RawNettyPair.ENCODER);
    pair.arrivals.expect(BATCH);
    for (int i = 0; i < BATCH; i++) {
      // Neither message copies on this thread: the encoder, or NioSocketChannel for the wrapped heap
      // buffer, copies into a pooled direct buffer on the event loop, as Polis's encoder does.
      Object message = encoder ? pair.payload : Unpooled.wrappedBuffer(pair.payload);
      client.writeAndFlush(message).addListener(pair.onSent);
    }
    pair.arrivals.awaitBatch();
    failures.collect(pair.arrivals);
  }

  /**
   * Sends that failed during one iteration, reported by JMH next to the score. Both should stay 0; a
   * non-zero count means the score includes messages that were never delivered.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class SendFailures {

    /** Sends refused because the connection was over its high-water mark. */
    public long backpressureFailures;

    /** Sends that failed for any other reason. */
    public long otherFailures;

    /** Starts each iteration from zero, as JMH expects of event counters. */
    @Setup(Level.Iteration)
    public void reset() {
      backpressureFailures = 0;
      otherFailures = 0;
    }

    void collect(Arrivals arrivals) {
      backpressureFailures += arrivals.takeBackpressureFailures();
      otherFailures += arrivals.takeOtherFailures();
    }
  }

  /** Node A and node B as two Polis transports, A already connected and authenticated to B. */
  @State(Scope.Benchmark)
  public static class PolisPair {

    final Arrivals arrivals = new Arrivals();
    final DataMessage message = new DataMessage("bench", payload());
    final BiConsumer<Void, Throwable> onSent = (ignored, error) -> {
      if (error != null) {
        arrivals.failed(error);
      }
    };
    final NettyTransport a = new NettyTransport(config());
    final NettyTransport b = new NettyTransport(config());
    private @Nullable Address target;

    private static TransportConfig config() {
      return TransportConfig.builder(MemberId.random())
          .clusterName("bench")
          .bindHost(HOST)
          .port(0)
          .ioThreads(1)
          .maxFrameBytes(MAX_FRAME_BYTES)
          .writeBufferWatermarks(WATER_MARK.low(), WATER_MARK.high())
          .build();
    }

    /** Starts both nodes and completes the handshake, so that no batch pays for it. */
    @Setup(Level.Trial)
    public void start() {
      checkBatchStaysUnderTheLowWaterMark();
      b.start((from, received) -> arrivals.arrived()).join();
      a.start((from, received) -> { }).join(); // A only sends
      target = b.localAddress();
      a.connect(b.localAddress()).join();
    }

    private void checkBatchStaysUnderTheLowWaterMark() {
      ByteBuf frame = PooledByteBufAllocator.DEFAULT.heapBuffer();
      try {
        MessageCodec.encode(message, frame);
        long batchBytes = (long) BATCH * (frame.readableBytes() + Envelope.LENGTH_PREFIX_SIZE);
        if (batchBytes >= WATER_MARK.low()) {
          throw new IllegalStateException("a batch of " + batchBytes + " bytes could reach the write-buffer"
              + " water marks; the benchmark would measure backpressure, not throughput");
        }
      } finally {
        frame.release();
      }
    }

    Address target() {
      return Objects.requireNonNull(target, "not started");
    }

    /** Stops both nodes. */
    @TearDown(Level.Trial)
    public void stop() {
      reportFailure(arrivals);
      a.close();
      b.close();
    }
  }

  /** The baseline: a plain Netty client and server, set up like Polis's NIO transport. */
  @State(Scope.Benchmark)
  public static class RawNettyPair {

    static final String PREPENDER = "prepender";
    static final String ENCODER = "encoder";
    static final String FLUSH_EACH = "flush-each";

    /** The client's framing and flushing; see the class comment. */
    @Param({PREPENDER, ENCODER, FLUSH_EACH})
    public String variant = PREPENDER;

    final Arrivals arrivals = new Arrivals();
    final byte[] payload = payload();
    final ChannelFutureListener onSent = future -> {
      if (!future.isSuccess()) {
        arrivals.failed(future.cause());
      }
    };
    // One thread per side, as Polis's ioThreads(1): the server's thread accepts and reads, like node B's.
    private final EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("raw-server", true), NioIoHandler.newFactory());
    private final EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("raw-client", true), NioIoHandler.newFactory());
    private @Nullable Channel client;

    /** Binds the server and connects the client. */
    @Setup(Level.Trial)
    public void start() throws InterruptedException {
      if (!variant.equals(PREPENDER) && !variant.equals(ENCODER) && !variant.equals(FLUSH_EACH)) {
        throw new IllegalArgumentException("variant must be prepender, encoder or flush-each, not " + variant);
      }
      Channel server = new ServerBootstrap()
          .group(serverGroup)
          .channel(NioServerSocketChannel.class)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.SO_KEEPALIVE, true)
          .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline()
                  .addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES + 4, 0, 4, 0, 4))
                  .addLast(new CountingHandler(arrivals));
            }
          })
          .bind(HOST, 0).sync().channel();
      client = new Bootstrap()
          .group(clientGroup)
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.SO_KEEPALIVE, true)
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ChannelPipeline p = ch.pipeline();
              if (!variant.equals(FLUSH_EACH)) {
                // The same settings as Polis's ChannelPipelines.
                p.addLast(new FlushConsolidationHandler(256, true));
              }
              p.addLast(variant.equals(ENCODER) ? new LengthPrefixEncoder() : new LengthFieldPrepender(4));
            }
          })
          .connect(server.localAddress()).sync().channel();
    }

    Channel client() {
      return Objects.requireNonNull(client, "not started");
    }

    /** Closes the connection and stops both event loops. */
    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      reportFailure(arrivals);
      if (client != null) {
        client.close().sync();
      }
      clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
      serverGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }
  }

  /**
   * Writes a byte array as one frame, length and bytes in one buffer: the least any length-prefixed
   * framing can do, and the shape of Polis's frame encoder without its message codec.
   */
  @Sharable
  static final class LengthPrefixEncoder extends MessageToByteEncoder<byte[]> {

    LengthPrefixEncoder() {
      super(byte[].class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, byte[] message, ByteBuf out) {
      out.writeInt(message.length);
      out.writeBytes(message);
    }
  }

  /** Counts and releases each frame the raw server receives. */
  static final class CountingHandler extends ChannelInboundHandlerAdapter {

    private final Arrivals arrivals;

    CountingHandler(Arrivals arrivals) {
      this.arrivals = arrivals;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ((ByteBuf) msg).release();
      arrivals.arrived();
    }
  }

  private static void reportFailure(Arrivals arrivals) {
    Throwable failure = arrivals.firstFailure();
    if (failure != null) {
      // Printed by the forked VM into JMH's log, next to the non-zero failure counters.
      System.out.println("first failed send: " + failure);
    }
  }
}
