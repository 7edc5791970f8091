package io.polis.transport.netty;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.polis.node.Address;
import io.polis.transport.HandshakeRejectedException;
import io.polis.transport.PeerInfo;
import io.polis.transport.PeerUnavailableException;
import io.polis.transport.TransportException;
import io.polis.wire.Accepted;
import io.polis.wire.AuthProof;
import io.polis.wire.Hello;
import io.polis.wire.Reject;
import io.polis.wire.RejectReason;
import io.polis.wire.UnsupportedVersionException;
import io.polis.wire.Welcome;
import io.polis.wire.WireLimits;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connecting side of the handshake: sends Hello (after TLS, when on), checks the Welcome and the
 * peer's proof, sends its own proof and waits for Accepted. The outcome completes {@link #result()}:
 * the peer's identity, or a typed failure that says why, logged once here.
 */
final class ClientHandshakeHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(ClientHandshakeHandler.class);

  private enum Stage { CONNECTING, AWAIT_WELCOME, AWAIT_ACCEPTED, DONE }

  private final TransportContext context;
  private final Address target;
  private final CompletableFuture<PeerInfo> result = new CompletableFuture<>();
  private final byte[] nonce = HandshakeProofs.newNonce(WireLimits.NONCE_BYTES);
  private Stage stage = Stage.CONNECTING;
  private @Nullable ScheduledFuture<?> deadline;
  private @Nullable PeerInfo peer;

  ClientHandshakeHandler(TransportContext context, Address target) {
    this.context = context;
    this.target = target;
  }

  CompletableFuture<PeerInfo> result() {
    return result;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(() -> onDeadline(ctx),
        context.config.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    if (tls == null) {
      sendHello(ctx);
    } else {
      tls.handshakeFuture().addListener(f -> {
        if (f.isSuccess()) {
          sendHello(ctx);
        } else {
          fail(ctx, new HandshakeRejectedException(target, RejectReason.AUTHENTICATION_FAILED,
              "TLS handshake failed: " + describeTlsFailure(f.cause())), false);
        }
      });
    }
    ctx.fireChannelActive();
  }

  private static String describeTlsFailure(Throwable cause) {
    // A peer without TLS takes our ClientHello for a malformed frame and closes without a word.
    return cause instanceof ClosedChannelException
        ? "the peer closed the connection during the TLS handshake (is TLS on at the peer?)"
        : Failures.describe(cause);
  }

  private void sendHello(ChannelHandlerContext ctx) {
    if (stage != Stage.CONNECTING) {
      return;
    }
    stage = Stage.AWAIT_WELCOME;
    ctx.writeAndFlush(new Hello(context.config.clusterName(), context.config.memberId(),
        context.advertisedAddress(), nonce));
  }

  private void onDeadline(ChannelHandlerContext ctx) {
    if (stage != Stage.DONE) {
      fail(ctx, new HandshakeRejectedException(target, RejectReason.HANDSHAKE_TIMEOUT,
          "no answer within " + context.config.handshakeTimeout() + " (stage " + stage + ")"), false);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (stage == Stage.DONE) {
      ctx.fireChannelRead(msg);
    } else if (msg instanceof Reject reject) {
      fail(ctx, new HandshakeRejectedException(target, reject.reason(), "refused by the peer: " + reject.detail()),
          false);
    } else if (stage == Stage.AWAIT_WELCOME && msg instanceof Welcome welcome) {
      onWelcome(ctx, welcome);
    } else if (stage == Stage.AWAIT_ACCEPTED && msg instanceof Accepted) {
      onAccepted(ctx);
    } else {
      fail(ctx, new HandshakeRejectedException(target, RejectReason.PROTOCOL_ERROR,
          "peer sent " + ServerHandshakeHandler.describe(msg) + " during the handshake (stage " + stage + ")"), true);
    }
  }

  private void onWelcome(ChannelHandlerContext ctx, Welcome welcome) {
    if (!welcome.clusterName().equals(context.config.clusterName())) {
      fail(ctx, new HandshakeRejectedException(target, RejectReason.CLUSTER_MISMATCH, "peer belongs to cluster '"
          + welcome.clusterName() + "', this node to '" + context.config.clusterName() + "'"), true);
      return;
    }
    String authProblem = checkServerProof(welcome);
    if (authProblem != null) {
      // The peer is not proven to be one of ours: close and tell it nothing.
      fail(ctx, new HandshakeRejectedException(target, RejectReason.AUTHENTICATION_FAILED, authProblem), false);
      return;
    }
    peer = new PeerInfo(welcome.memberId(), welcome.advertisedAddress());
    stage = Stage.AWAIT_ACCEPTED;
    ctx.writeAndFlush(new AuthProof(context.proofs.clientProof(context.config.clusterName(), nonce,
        welcome.nonce(), context.config.memberId(), welcome.memberId())));
  }

  private @Nullable String checkServerProof(Welcome welcome) {
    byte[] proof = welcome.proof();
    if (!context.proofs.enabled()) {
      return proof.length == 0 ? null : "peer requires a cluster secret and none is configured on this node";
    }
    if (proof.length == 0) {
      return "peer has no cluster secret and this node requires one";
    }
    byte[] expected = context.proofs.serverProof(context.config.clusterName(), nonce, welcome.nonce(),
        context.config.memberId(), welcome.memberId());
    return HandshakeProofs.matches(expected, proof) ? null
        : "peer could not prove it knows the cluster secret (are the secrets the same?)";
  }

  private void onAccepted(ChannelHandlerContext ctx) {
    PeerInfo p = peer;
    if (p == null) {
      throw new IllegalStateException("accepted before welcome");
    }
    stage = Stage.DONE;
    cancelDeadline();
    ctx.pipeline().replace(this, ChannelPipelines.PEER, new PeerChannelHandler(context, p, false));
    log.debug("{} connected to {}", context.node, p);
    result.complete(p);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (stage == Stage.DONE) {
      // Only after a failure (on success this handler has replaced itself): the channel is already closing
      // and the failure was reported; do not let Netty's pipeline tail log this one as unhandled.
      log.debug("{} after the failed handshake with {}: {}", context.node, target, Failures.describe(cause));
      return;
    }
    UnsupportedVersionException version = Failures.unsupportedVersion(cause);
    if (version != null) {
      fail(ctx, new HandshakeRejectedException(target, RejectReason.VERSION_MISMATCH, version.getMessage()), true);
    } else if (Failures.isTls(cause)) {
      fail(ctx, new HandshakeRejectedException(target, RejectReason.AUTHENTICATION_FAILED,
          "TLS handshake failed: " + Failures.describe(cause)), false);
    } else if (Failures.isMalformedInput(cause)) {
      fail(ctx, new HandshakeRejectedException(target, RejectReason.PROTOCOL_ERROR,
          "malformed frame from peer: " + Failures.describe(cause)), false);
    } else {
      fail(ctx, new PeerUnavailableException(target, "connection to " + target + " failed during the handshake: "
          + Failures.describe(cause), cause), false);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (stage == Stage.AWAIT_ACCEPTED && context.proofs.enabled()) {
      fail(ctx, new HandshakeRejectedException(target, RejectReason.AUTHENTICATION_FAILED,
          "peer closed the connection after checking our proof (is the cluster secret the same on both?)"), false);
    } else if (stage != Stage.DONE) {
      fail(ctx, new PeerUnavailableException(target, "connection to " + target
          + " closed by the peer during the handshake (stage " + stage + ")", null), false);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof IdleStateEvent)) {
      ctx.fireUserEventTriggered(evt);
    }
  }

  /**
   * Ends the handshake with a failure: logs it once, completes the result, and closes; with
   * {@code tellPeer} the peer first gets a {@link Reject} (only where it has proved nothing is at stake).
   */
  private void fail(ChannelHandlerContext ctx, TransportException failure, boolean tellPeer) {
    if (stage == Stage.DONE) {
      return;
    }
    stage = Stage.DONE;
    cancelDeadline();
    if (failure instanceof HandshakeRejectedException) {
      log.warn("{} {}", context.node, failure.getMessage());
    } else {
      log.debug("{} {}", context.node, failure.getMessage());
    }
    result.completeExceptionally(failure);
    if (tellPeer && failure instanceof HandshakeRejectedException rejected && ctx.channel().isActive()) {
      ctx.writeAndFlush(new Reject(rejected.reason(), detailFor(rejected))).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  private String detailFor(HandshakeRejectedException rejected) {
    return switch (rejected.reason()) {
      case VERSION_MISMATCH -> "protocol version not supported (node " + context.node + " speaks version "
          + io.polis.wire.Envelope.CURRENT_VERSION + ")";
      case CLUSTER_MISMATCH -> "node " + context.node + " belongs to cluster '" + context.config.clusterName() + "'";
      default -> "node " + context.node + " refused the handshake";
    };
  }

  private void cancelDeadline() {
    ScheduledFuture<?> d = deadline;
    if (d != null) {
      d.cancel(false);
    }
  }
}
