package io.polis.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.polis.node.Address;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Assembles the per-connection pipelines. Inbound (accepted) and outbound (connected) connections share
 * the same stages and differ only in the handshake handler, which replaces itself with a
 * {@link PeerChannelHandler} when the handshake passes.
 */
final class ChannelPipelines {

  static final String TLS = "tls";
  static final String FLUSH_CONSOLIDATION = "flush-consolidation";
  static final String FRAME_DECODER = "frame-decoder";
  static final String FRAME_ENCODER = "frame-encoder";
  static final String IDLE = "idle";
  static final String HANDSHAKE = "handshake";
  static final String PEER = "peer";

  /** Flushes from many sender threads are merged into one syscall per this many writes, at most. */
  private static final int EXPLICIT_FLUSH_AFTER_FLUSHES = 256;

  private final TransportContext context;
  private final FrameEncoder encoder;
  private final @Nullable SslContext serverTls;
  private final @Nullable SslContext clientTls;

  ChannelPipelines(TransportContext context, @Nullable SslContext serverTls, @Nullable SslContext clientTls) {
    this.context = context;
    this.encoder = new FrameEncoder(context.config.maxFrameBytes(), context.config.protocolVersion());
    this.serverTls = serverTls;
    this.clientTls = clientTls;
  }

  void initAccepted(Channel channel) {
    ChannelPipeline p = channel.pipeline();
    if (serverTls != null) {
      // Encrypts everything, the handshake included; the handshake deadline covers TLS too.
      p.addLast(TLS, serverTls.newHandler(channel.alloc()));
    }
    addCommonStages(p);
    p.addLast(HANDSHAKE, new ServerHandshakeHandler(context));
  }

  void initConnected(Channel channel, Address target, ClientHandshakeHandler handshake) {
    ChannelPipeline p = channel.pipeline();
    if (clientTls != null) {
      p.addLast(TLS, clientTls.newHandler(channel.alloc(), target.host(), target.port()));
    }
    addCommonStages(p);
    p.addLast(HANDSHAKE, handshake);
  }

  /**
   * Writes a message and flushes it: from the channel's own event loop at once, before this returns;
   * from any other thread through the flush consolidation, as one task on the loop.
   *
   * @return the write's future
   */
  static ChannelFuture writeAndFlush(Channel channel, Object message) {
    if (!channel.eventLoop().inEventLoop()) {
      return channel.writeAndFlush(message);
    }
    ChannelFuture written = channel.write(message);
    flush(channel);
    return written;
  }

  /**
   * Flushes what was written: from the channel's own event loop at once, before this returns; from any
   * other thread through the flush consolidation.
   */
  static void flush(Channel channel) {
    if (!channel.eventLoop().inEventLoop()) {
      channel.flush();
      return;
    }
    ChannelHandlerContext consolidation = channel.pipeline().context(FLUSH_CONSOLIDATION);
    if (consolidation == null) {
      channel.flush(); // a closed channel has lost its handlers; there is nothing to bypass
      return;
    }
    // On the loop and outside a read, the consolidation handler would only schedule the flush as a later
    // loop task; a caller that then blocks the loop (a follower forcing its log) would hold the message
    // back for the whole block. A flush started at the handler's own context goes to the stages before it
    // (TLS, then the socket), past the consolidation, whose pending flushes then find nothing left to do.
    consolidation.flush();
  }

  private void addCommonStages(ChannelPipeline p) {
    // Merges flushes of messages written from protocol threads; keeps latency when traffic is light.
    // A writer on the event loop itself flushes past it: see flush(Channel).
    p.addLast(FLUSH_CONSOLIDATION, new FlushConsolidationHandler(EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    // Cuts frames, refusing oversized ones before allocating, and decodes them; one per channel.
    p.addLast(FRAME_DECODER, new FrameDecoder(context.config.maxFrameBytes()));
    // Writes messages as frames; stateless and shared.
    p.addLast(FRAME_ENCODER, encoder);
    // Sits after the decoder so only complete frames count as reads: a peer trickling bytes is idle.
    p.addLast(IDLE, new IdleStateHandler(context.config.idleTimeout().toNanos(),
        context.config.heartbeatInterval().toNanos(), 0, TimeUnit.NANOSECONDS));
  }
}
