package io.polis.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.polis.transport.PeerInfo;
import io.polis.wire.Goodbye;
import io.polis.wire.Heartbeat;
import io.polis.wire.PeerMessage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an authenticated connection: hands peer messages to the inbound handler, keeps the connection
 * alive with heartbeats, closes it when the peer goes silent, sends garbage, or stops reading.
 */
final class PeerChannelHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(PeerChannelHandler.class);

  private final TransportContext context;
  private final PeerInfo peer;
  private final String direction;
  private boolean goodbyeReceived;
  private @Nullable String closeReason;
  private @Nullable ScheduledFuture<?> slowPeerCheck;

  PeerChannelHandler(TransportContext context, PeerInfo peer, boolean inbound) {
    this.context = context;
    this.peer = peer;
    this.direction = inbound ? "from" : "to";
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closeReason != null) {
      // Closed for cause, but frames read in the same batch (or decoded at the close) still arrive here:
      // after a protocol violation nothing more from this peer is trusted or delivered.
      return;
    }
    if (msg instanceof PeerMessage message) {
      deliver(message);
    } else if (msg instanceof Goodbye) {
      goodbyeReceived = true;
    } else if (!(msg instanceof Heartbeat)) {
      close(ctx, "peer sent " + ServerHandshakeHandler.describe(msg) + " after the handshake");
    }
  }

  private void deliver(PeerMessage message) {
    try {
      context.handler().onMessage(peer, message);
    } catch (RuntimeException e) {
      log.error("{} inbound handler failed on {} from {}; message dropped", context.node, message, peer, e);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.WRITER_IDLE) {
        ctx.writeAndFlush(Heartbeat.INSTANCE, ctx.voidPromise());
      } else if (idle.state() == IdleState.READER_IDLE) {
        close(ctx, "no frame for " + context.config.idleTimeout() + "; peer presumed dead");
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (!ctx.channel().isWritable()) {
      // Sends already fail fast with BackpressureException; a peer that stays this far behind is stuck.
      slowPeerCheck = ctx.executor().schedule(() -> {
        if (!ctx.channel().isWritable()) {
          close(ctx, "peer has not read its pending bytes for " + context.config.slowPeerTimeout());
        }
      }, context.config.slowPeerTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } else if (slowPeerCheck != null) {
      slowPeerCheck.cancel(false);
      slowPeerCheck = null;
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (Failures.isConnectionReset(cause)) {
      close(ctx, "connection reset: " + Failures.describe(cause));
    } else if (Failures.isMalformedInput(cause)) {
      close(ctx, "malformed frame: " + Failures.describe(cause));
    } else {
      log.error("{} unexpected error on connection {} {}", context.node, direction, peer, cause);
      close(ctx, "unexpected error: " + Failures.describe(cause));
    }
  }

  private void close(ChannelHandlerContext ctx, String reason) {
    if (closeReason == null) {
      closeReason = reason;
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (slowPeerCheck != null) {
      slowPeerCheck.cancel(false);
    }
    if (goodbyeReceived) {
      log.info("{} connection {} {} closed: peer is shutting down", context.node, direction, peer);
    } else if (closeReason != null) {
      log.warn("{} closed connection {} {}: {}", context.node, direction, peer, closeReason);
    } else if (context.closing()) {
      log.debug("{} closed connection {} {}: shutting down", context.node, direction, peer);
    } else {
      log.warn("{} lost connection {} {}", context.node, direction, peer);
    }
    ctx.fireChannelInactive();
  }
}
