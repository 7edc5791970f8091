package io.polis.transport.netty;

import io.netty.channel.Channel;
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

  private void addCommonStages(ChannelPipeline p) {
    // Merges flushes of messages written from protocol threads; keeps latency when traffic is light.
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
