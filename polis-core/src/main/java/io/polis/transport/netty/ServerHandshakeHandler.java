package io.polis.transport.netty;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.polis.transport.PeerInfo;
import io.polis.wire.Accepted;
import io.polis.wire.AuthProof;
import io.polis.wire.Hello;
import io.polis.wire.Reject;
import io.polis.wire.RejectReason;
import io.polis.wire.UnsupportedVersionException;
import io.polis.wire.Welcome;
import io.polis.wire.WireLimits;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accepting side of the handshake: expects Hello, answers Welcome, checks the AuthProof, answers
 * Accepted, then hands the channel to a {@link PeerChannelHandler}. Nothing the peer sends is given to
 * the protocols before that. A peer that fails authentication gets a close and nothing else; one with
 * another protocol version or cluster name gets a {@link Reject} saying so, then a close.
 */
final class ServerHandshakeHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(ServerHandshakeHandler.class);

  private enum Stage { AWAIT_HELLO, AWAIT_PROOF, DONE }

  private final TransportContext context;
  private Stage stage = Stage.AWAIT_HELLO;
  private @Nullable ScheduledFuture<?> deadline;
  private @Nullable Hello hello;
  private byte @Nullable [] serverNonce;

  ServerHandshakeHandler(TransportContext context) {
    this.context = context;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(() -> onDeadline(ctx),
        context.config.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    ctx.fireChannelActive();
  }

  private void onDeadline(ChannelHandlerContext ctx) {
    if (stage != Stage.DONE && ctx.channel().isActive()) {
      refuseSilently(ctx, "handshake not completed within " + context.config.handshakeTimeout() + " (stage "
          + stage + ")");
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    switch (stage) {
      case AWAIT_HELLO -> {
        if (msg instanceof Hello h) {
          onHello(ctx, h);
        } else {
          refuseSilently(ctx, "sent " + describe(msg) + " before Hello");
        }
      }
      case AWAIT_PROOF -> {
        if (msg instanceof AuthProof proof) {
          onProof(ctx, proof);
        } else if (msg instanceof Reject reject) {
          log.warn("{} connection from {} refused by the peer ({}): {}", context.node, ctx.channel().remoteAddress(),
              reject.reason(), reject.detail());
          stage = Stage.DONE;
          cancelDeadline();
          ctx.close();
        } else {
          refuseSilently(ctx, "sent " + describe(msg) + " instead of its authentication proof");
        }
      }
      case DONE -> ctx.fireChannelRead(msg);
    }
  }

  private void onHello(ChannelHandlerContext ctx, Hello h) {
    if (!h.clusterName().equals(context.config.clusterName())) {
      reject(ctx, RejectReason.CLUSTER_MISMATCH, "this node belongs to cluster '" + context.config.clusterName()
          + "', not '" + h.clusterName() + "'", h);
      return;
    }
    hello = h;
    byte[] nonce = HandshakeProofs.newNonce(WireLimits.NONCE_BYTES);
    serverNonce = nonce;
    byte[] proof = context.proofs.serverProof(context.config.clusterName(), h.nonce(), nonce, h.memberId(),
        context.config.memberId());
    ctx.writeAndFlush(new Welcome(context.config.clusterName(), context.config.memberId(),
        context.advertisedAddress(), nonce, proof));
    stage = Stage.AWAIT_PROOF;
  }

  private void onProof(ChannelHandlerContext ctx, AuthProof proof) {
    Hello h = hello;
    byte[] nonce = serverNonce;
    if (h == null || nonce == null) {
      throw new IllegalStateException("proof before hello");
    }
    if (context.proofs.enabled()) {
      byte[] expected = context.proofs.clientProof(context.config.clusterName(), h.nonce(), nonce, h.memberId(),
          context.config.memberId());
      if (!HandshakeProofs.matches(expected, proof.proof())) {
        refuseSilently(ctx, "authentication failed: member " + h.memberId() + " at " + h.advertisedAddress()
            + (proof.proof().length == 0 ? " has no cluster secret" : " does not know the cluster secret"));
        return;
      }
    }
    stage = Stage.DONE;
    cancelDeadline();
    PeerInfo peer = new PeerInfo(h.memberId(), h.advertisedAddress());
    ctx.writeAndFlush(Accepted.INSTANCE);
    ctx.pipeline().replace(this, ChannelPipelines.PEER, new PeerChannelHandler(context, peer, true));
    log.debug("{} accepted connection from {} ({})", context.node, peer, ctx.channel().remoteAddress());
  }

  private void reject(ChannelHandlerContext ctx, RejectReason reason, String detail, @Nullable Hello h) {
    String who = h == null ? String.valueOf(ctx.channel().remoteAddress())
        : h.memberId().shortForm() + "@" + h.advertisedAddress() + " (" + ctx.channel().remoteAddress() + ")";
    log.warn("{} refused connection from {} ({}): {}", context.node, who, reason, detail);
    stage = Stage.DONE;
    cancelDeadline();
    ctx.writeAndFlush(new Reject(reason, detail)).addListener(ChannelFutureListener.CLOSE);
  }

  /** Closes without telling the peer anything: it has not proved it belongs here. */
  private void refuseSilently(ChannelHandlerContext ctx, String why) {
    log.warn("{} closed connection from {}: {}", context.node, ctx.channel().remoteAddress(), why);
    stage = Stage.DONE;
    cancelDeadline();
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (stage == Stage.DONE) {
      // Only after a refusal (on success this handler has replaced itself): the channel is already closing
      // and the refusal was logged; do not let Netty's pipeline tail log this one as unhandled.
      log.debug("{} after refusing {}: {}", context.node, ctx.channel().remoteAddress(), Failures.describe(cause));
      return;
    }
    UnsupportedVersionException version = Failures.unsupportedVersion(cause);
    if (version != null) {
      reject(ctx, RejectReason.VERSION_MISMATCH, version.getMessage(), null);
    } else if (Failures.isConnectionReset(cause)) {
      log.debug("{} connection from {} reset during handshake: {}", context.node, ctx.channel().remoteAddress(),
          Failures.describe(cause));
      stage = Stage.DONE;
      ctx.close();
    } else if (Failures.isTls(cause)) {
      refuseSilently(ctx, "TLS handshake failed: " + Failures.describe(cause));
    } else {
      refuseSilently(ctx, "malformed frame before the handshake completed: " + Failures.describe(cause));
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof IdleStateEvent)) { // the handshake deadline, not idleness, governs this stage
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelDeadline();
    Hello h = hello;
    if (stage == Stage.AWAIT_PROOF && h != null && !context.closing()) {
      // The peer read our Welcome and left without a proof and without a Reject. A Polis client does that
      // only when our proof fails its check (another secret, or a secret on one side only), so say so here
      // too: the operator of this node would otherwise see nothing.
      log.warn("{} connection from {}@{} ({}) closed by the peer without its authentication proof: authentication"
              + " failed on the peer's side, most likely (is the cluster secret set, and the same, on both?)",
          context.node, h.memberId().shortForm(), h.advertisedAddress(), ctx.channel().remoteAddress());
    } else if (stage != Stage.DONE && !context.closing()) {
      // This node marks the handshake DONE whenever it closes the connection itself: the peer ended it.
      FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
      String cut = decoder == null ? null : decoder.incompleteFrame();
      if (cut != null) {
        // Bytes then silence is not a port probe; a peer that gives up mid-frame is worth a look.
        log.warn("{} connection from {} closed by the peer in the middle of a frame during the handshake: {} "
            + "(stage {})", context.node, ctx.channel().remoteAddress(), cut, stage);
      } else {
        log.debug("{} connection from {} closed by the peer during the handshake (stage {})", context.node,
            ctx.channel().remoteAddress(), stage);
      }
    }
    ctx.fireChannelInactive();
  }

  private void cancelDeadline() {
    ScheduledFuture<?> d = deadline;
    if (d != null) {
      d.cancel(false);
    }
  }

  static String describe(Object msg) {
    return msg instanceof io.polis.wire.Message m ? "a " + m.type() + " frame" : msg.getClass().getSimpleName();
  }
}
