package io.polis.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.EncoderException;
import io.polis.node.Address;
import io.polis.transport.BackpressureException;
import io.polis.transport.HandshakeRejectedException;
import io.polis.transport.MessageTooLargeException;
import io.polis.transport.PeerInfo;
import io.polis.transport.PeerUnavailableException;
import io.polis.transport.TransportClosedException;
import io.polis.transport.TransportException;
import io.polis.wire.Goodbye;
import io.polis.wire.PeerMessage;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one outbound connection to one peer address, and its life: connected lazily on first use, messages
 * queued (boundedly) while the handshake runs, and after a failure a backoff during which sends fail
 * fast instead of piling up. Thread-safe: senders on any thread, Netty callbacks on the event loop.
 */
final class PeerConnection {

  private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);

  private enum State { IDLE, CONNECTING, CONNECTED, CLOSED }

  private record Pending(PeerMessage message, CompletableFuture<Void> result) {}

  /** Opens a TCP connection whose pipeline ends in the given handshake handler. */
  @FunctionalInterface
  interface Dialer {
    ChannelFuture dial(Address address, ClientHandshakeHandler handshake);
  }

  private final Address address;
  private final TransportContext context;
  private final Dialer dialer;
  private final Backoff backoff;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();

  private State state = State.IDLE;
  /** Set by a shutdown during the handshake: flush the queue once connected, then close. */
  private boolean closeRequested;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private @Nullable Channel channel;
  private @Nullable PeerInfo peer;
  private @Nullable CompletableFuture<PeerInfo> handshake;
  private int failures;
  private long retryAtNanos;
  private @Nullable TransportException lastFailure;

  PeerConnection(Address address, TransportContext context, Dialer dialer, Backoff backoff) {
    this.address = address;
    this.context = context;
    this.dialer = dialer;
    this.backoff = backoff;
  }

  synchronized CompletableFuture<PeerInfo> connect() {
    return switch (state) {
      case CONNECTED -> CompletableFuture.completedFuture(peer);
      case CONNECTING -> handshakeInProgress().copy();
      case CLOSED -> CompletableFuture.failedFuture(new TransportClosedException(address));
      case IDLE -> {
        TransportException backingOff = backingOff();
        if (backingOff != null) {
          yield CompletableFuture.failedFuture(backingOff);
        }
        yield startConnecting().copy();
      }
    };
  }

  synchronized CompletableFuture<Void> send(PeerMessage message) {
    if (closeRequested) {
      return CompletableFuture.failedFuture(new TransportClosedException(address));
    }
    switch (state) {
      case CONNECTED:
        return write(connectedChannel(), message);
      case CLOSED:
        return CompletableFuture.failedFuture(new TransportClosedException(address));
      case IDLE:
        TransportException backingOff = backingOff();
        if (backingOff != null) {
          return CompletableFuture.failedFuture(backingOff);
        }
        // Queue first: the handshake may end (succeed, or fail at once on a dial error) inside
        // startConnecting(), and what it finds in the queue then is all it will ever send or fail.
        CompletableFuture<Void> queued = enqueue(message);
        startConnecting();
        return queued;
      case CONNECTING:
      default:
        return enqueue(message);
    }
  }

  /**
   * Says goodbye and closes; what was sent before is flushed first, including messages still waiting for
   * a handshake in progress (bounded by the transport's shutdown timeout).
   */
  synchronized CompletableFuture<Void> close() {
    closeRequested = true;
    if (state == State.CONNECTING) {
      return closed; // finished by onConnected or onConnectFailed
    }
    closeNow();
    return closed;
  }

  private void closeNow() {
    state = State.CLOSED;
    failPending(new TransportClosedException(address));
    Channel ch = channel;
    channel = null;
    if (ch == null || !ch.isActive()) {
      closed.complete(null);
      return;
    }
    ChannelPipelines.writeAndFlush(ch, Goodbye.INSTANCE).addListener(ChannelFutureListener.CLOSE);
    ch.closeFuture().addListener(f -> closed.complete(null));
  }

  private CompletableFuture<Void> enqueue(PeerMessage message) {
    if (pending.size() >= context.config.maxPendingMessages()) {
      return CompletableFuture.failedFuture(new BackpressureException(address,
          pending.size() + " messages (maxPendingMessages) queued while connecting"));
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    pending.add(new Pending(message, result));
    return result;
  }

  private CompletableFuture<PeerInfo> startConnecting() {
    state = State.CONNECTING;
    ClientHandshakeHandler handler = new ClientHandshakeHandler(context, address);
    CompletableFuture<PeerInfo> result = handler.result();
    // Completed by onConnected/onConnectFailed, after the state has changed: a caller woken by it must
    // find the connection usable (the handshake's own future completes before our callback has run).
    CompletableFuture<PeerInfo> established = new CompletableFuture<>();
    handshake = established;
    ChannelFuture dialed = dialer.dial(address, handler);
    Channel ch = dialed.channel();
    dialed.addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(new PeerUnavailableException(address,
            "cannot connect to " + address + ": " + Failures.describe(f.cause()), f.cause()));
      }
    });
    result.whenComplete((p, error) -> {
      if (error == null) {
        onConnected(ch, p, established);
      } else {
        TransportException failure = asTransportException(error);
        onConnectFailed(failure);
        established.completeExceptionally(failure);
      }
    });
    ch.closeFuture().addListener(f -> onClosed(ch));
    return established;
  }

  private void onConnected(Channel ch, PeerInfo p, CompletableFuture<PeerInfo> established) {
    boolean usable;
    synchronized (this) {
      usable = connected(ch, p);
    }
    if (usable) {
      established.complete(p);
    } else {
      established.completeExceptionally(new PeerUnavailableException(address,
          "connection to " + address + " closed right after its handshake", null));
    }
  }

  /** @return whether the connection is up and usable now */
  private boolean connected(Channel ch, PeerInfo p) {
    if (state != State.CONNECTING) {
      ch.close(); // closed while the handshake ran
      return false;
    }
    state = State.CONNECTED;
    channel = ch;
    peer = p;
    failures = 0;
    lastFailure = null;
    handshake = null;
    if (!ch.isActive()) {
      // The channel died between the handshake and now; onClosed may already have run for it.
      onClosedLocked(ch);
      failPending(new PeerUnavailableException(address, "connection to " + address
          + " closed right after its handshake", null));
      return false;
    }
    if (!pending.isEmpty()) {
      // Usually on the event loop (the handshake ends in a read): one flush for the lot, not one per message.
      while (!pending.isEmpty()) {
        Pending next = pending.poll();
        write(ch, next.message(), false).whenComplete((v, e) -> complete(next.result(), e));
      }
      ChannelPipelines.flush(ch);
    }
    if (closeRequested) {
      closeNow();
      return false;
    }
    return true;
  }

  private synchronized void onConnectFailed(TransportException failure) {
    if (state != State.CONNECTING) {
      return;
    }
    state = State.IDLE;
    handshake = null;
    failures++;
    lastFailure = failure;
    long delay = backoff.delayNanos(failures);
    retryAtNanos = System.nanoTime() + delay;
    if (failures == 1 && !(failure instanceof HandshakeRejectedException)) {
      // The handshake handler already logged rejections; a refused TCP connect is logged here, once.
      log.warn("{} {}; retrying with backoff", context.node, failure.getMessage());
    } else {
      log.debug("{} {} (attempt {}, next in {} ms)", context.node, failure.getMessage(), failures,
          TimeUnit.NANOSECONDS.toMillis(delay));
    }
    failPending(failure);
    if (closeRequested) {
      closeNow();
    }
  }

  private synchronized void onClosed(Channel ch) {
    onClosedLocked(ch);
  }

  private void onClosedLocked(Channel ch) {
    if (channel == ch && state == State.CONNECTED) {
      // A connection that worked and then broke is retried at once on the next send.
      state = State.IDLE;
      channel = null;
      peer = null;
    }
  }

  private @Nullable TransportException backingOff() {
    TransportException failure = lastFailure;
    long wait = retryAtNanos - System.nanoTime();
    if (failure == null || wait <= 0) {
      return null;
    }
    if (failure instanceof HandshakeRejectedException rejected) {
      return rejected;
    }
    return new PeerUnavailableException(address, "no connection to " + address + ": " + failure.getMessage()
        + "; next attempt in " + TimeUnit.NANOSECONDS.toMillis(wait) + " ms", failure);
  }

  private CompletableFuture<Void> write(Channel ch, PeerMessage message) {
    return write(ch, message, true);
  }

  /**
   * @param flush whether to flush now; see {@link ChannelPipelines#flush(Channel)} for why a write made on
   *     the event loop is flushed before this returns
   */
  private CompletableFuture<Void> write(Channel ch, PeerMessage message, boolean flush) {
    if (!ch.isWritable()) {
      long pendingBytes = context.config.writeBufferLowWatermark() + ch.bytesBeforeWritable();
      return CompletableFuture.failedFuture(new BackpressureException(address, pendingBytes + " bytes"));
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    ChannelFuture written = flush ? ChannelPipelines.writeAndFlush(ch, message) : ch.write(message);
    written.addListener(f -> {
      if (f.isSuccess()) {
        result.complete(null);
      } else {
        result.completeExceptionally(writeFailure(f.cause()));
      }
    });
    return result;
  }

  private TransportException writeFailure(Throwable cause) {
    if (cause instanceof EncoderException && cause.getCause() instanceof FrameTooLargeException tooLarge) {
      return new MessageTooLargeException(address, tooLarge.frameBytes(), tooLarge.maxFrameBytes());
    }
    return new PeerUnavailableException(address, "connection to " + address
        + " failed before the message was written: " + Failures.describe(cause), cause);
  }

  private TransportException asTransportException(Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    return cause instanceof TransportException t ? t
        : new PeerUnavailableException(address, "cannot connect to " + address + ": " + cause, cause);
  }

  private void failPending(TransportException failure) {
    while (!pending.isEmpty()) {
      pending.poll().result().completeExceptionally(failure);
    }
  }

  private CompletableFuture<PeerInfo> handshakeInProgress() {
    CompletableFuture<PeerInfo> h = handshake;
    if (h == null) {
      throw new IllegalStateException("connecting without a handshake");
    }
    return h;
  }

  private Channel connectedChannel() {
    Channel ch = channel;
    if (ch == null) {
      throw new IllegalStateException("connected without a channel");
    }
    return ch;
  }

  private static void complete(CompletableFuture<Void> target, @Nullable Throwable error) {
    if (error == null) {
      target.complete(null);
    } else {
      target.completeExceptionally(error);
    }
  }
}
