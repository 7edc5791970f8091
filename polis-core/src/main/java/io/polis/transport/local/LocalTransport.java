package io.polis.transport.local;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.InboundHandler;
import io.polis.transport.MessageTooLargeException;
import io.polis.transport.PeerInfo;
import io.polis.transport.Transport;
import io.polis.transport.TransportClosedException;
import io.polis.transport.TransportConfig;
import io.polis.wire.MessageCodec;
import io.polis.wire.PeerMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's {@link Transport} on a {@link LocalNetwork}. Get one from {@link LocalNetwork#transport}.
 *
 * <p>It keeps the {@link Transport} contract and behaves as the TCP transport is specified to wherever a
 * protocol can tell: connections are made lazily, one per peer address, and pass the checks of the
 * handshake described in {@link io.polis.wire.HandshakeMessage} (version, cluster name, secret) with the
 * same exceptions and reject reasons; messages are encoded with the wire codec and decoded on arrival, so
 * the receiver never shares an object with the sender and an oversized message fails with
 * {@link MessageTooLargeException}. Where it differs:
 *
 * <ul>
 *   <li>{@link #localAddress()} is valid as soon as the transport exists, not only after start.
 *   <li>{@code connect} or {@code send} before {@link #start} fails with {@link IllegalStateException}:
 *       a node that does not listen has no address peers could answer.
 *   <li>A stopped transport cannot be started again; a restart is a new transport at the same address.
 *   <li>There are no heartbeats, idle timeouts or write buffers: an established connection lives until
 *       its peer stops (a blocked link black-holes its messages until healed, however long that is), and
 *       {@link io.polis.transport.BackpressureException} only comes from the queue of messages waiting
 *       for a handshake ({@link TransportConfig#maxPendingMessages()}).
 *   <li>TLS settings are ignored.
 * </ul>
 *
 * <p><b>Threading.</b> Like its network, not thread-safe: call it only from the scheduler's thread.
 * Futures are completed and inbound messages handed over on that thread, inside scheduled tasks, never
 * inside the call that caused them (except futures returned already completed or failed).
 */
public final class LocalTransport implements Transport {

  private static final Logger log = LoggerFactory.getLogger(LocalTransport.class);

  private enum State { NEW, RUNNING, STOPPED }

  private final LocalNetwork network;
  private final TransportConfig config;
  private final PeerInfo self;
  private final Map<Address, Connection> connections = new HashMap<>();
  // Linked: shutdown fails the handshakes under way in the order they began, the same in every run.
  private final Map<Address, PendingConnection> pending = new LinkedHashMap<>();
  private State state = State.NEW;
  private @Nullable InboundHandler handler;

  LocalTransport(LocalNetwork network, TransportConfig config, Address address) {
    this.network = network;
    this.config = config;
    this.self = new PeerInfo(config.memberId(), address);
  }

  @Override
  public MemberId localId() {
    return self.memberId();
  }

  /** {@inheritDoc} Valid from creation: the network assigns the address when it creates the transport. */
  @Override
  public Address localAddress() {
    return self.advertisedAddress();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Fails with {@link java.net.BindException} when another running transport listens at this
   * address, and with {@link IllegalStateException} when this transport was already started or stopped.
   */
  @Override
  public CompletableFuture<Void> start(InboundHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (state != State.NEW) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          self + " cannot start: it is " + state.name().toLowerCase(Locale.ROOT)
              + "; a restart is a new transport"));
    }
    Throwable bindFailure = network.bind(this);
    if (bindFailure != null) {
      return CompletableFuture.failedFuture(bindFailure);
    }
    this.handler = handler;
    state = State.RUNNING;
    return CompletableFuture.completedFuture(null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The handshake takes one round trip of the links' minimum delays. An address where nothing listens
   * refuses after that round trip, like a TCP reset; a blocked link fails only after the configured
   * connect timeout, as an unanswered SYN would.
   */
  @Override
  public CompletableFuture<PeerInfo> connect(Address address) {
    Objects.requireNonNull(address, "address");
    CompletableFuture<PeerInfo> refused = refuseUnlessRunning(address);
    if (refused != null) {
      return refused;
    }
    Connection connection = liveConnection(address);
    if (connection != null) {
      return CompletableFuture.completedFuture(connection.peer());
    }
    // A future of its own, so that a caller cancelling it does not fail the others waiting for this
    // peer; not copy(), which would wrap the failure in a CompletionException.
    CompletableFuture<PeerInfo> result = new CompletableFuture<>();
    dial(address).established().whenComplete((peer, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(peer);
      }
    });
    return result;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Once a connection exists the future is already complete when this returns: the message is in the
   * network, where it may still be lost, delayed, duplicated or dropped on a blocked link, silently, as
   * a TCP write would be. Messages sent while the handshake runs wait for it and fail with it.
   */
  @Override
  public CompletableFuture<Void> send(Address address, PeerMessage message) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(message, "message");
    CompletableFuture<Void> refused = refuseUnlessRunning(address);
    if (refused != null) {
      return refused;
    }
    byte[] frame = encode(message);
    if (frame.length > config.maxFrameBytes()) {
      return CompletableFuture.failedFuture(
          new MessageTooLargeException(address, frame.length, config.maxFrameBytes()));
    }
    Connection connection = liveConnection(address);
    if (connection != null) {
      network.transmit(connection, frame);
      return CompletableFuture.completedFuture(null);
    }
    return dial(address).enqueue(frame);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Completes at once. Messages already sent stay in flight and are delivered (a flushed close);
   * messages in flight to this node are dropped; handshakes under way fail with
   * {@link TransportClosedException}, and so does every later call.
   */
  @Override
  public CompletableFuture<Void> shutdown() {
    if (state == State.STOPPED) {
      return CompletableFuture.completedFuture(null);
    }
    if (state == State.RUNNING) {
      network.unbind(this);
    }
    state = State.STOPPED;
    handler = null;
    connections.clear();
    List<PendingConnection> dialing = new ArrayList<>(pending.values());
    pending.clear(); // before failing: a caller's callback sees a transport that is fully stopped
    for (PendingConnection connection : dialing) {
      connection.fail(new TransportClosedException(connection.address()));
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Shuts down; returns at once, since {@link #shutdown()} completes at once. */
  @Override
  public void close() {
    shutdown();
  }

  @Override
  public String toString() {
    return "LocalTransport[" + self + ", " + state.name().toLowerCase(Locale.ROOT) + "]";
  }

  boolean isRunning() {
    return state == State.RUNNING;
  }

  TransportConfig config() {
    return config;
  }

  /** Returns this node as it introduces itself in handshakes. */
  PeerInfo identity() {
    return self;
  }

  /**
   * Hands an arrived frame to the inbound handler.
   *
   * @param from the sender, as it introduced itself in the handshake
   * @param frame the encoded message
   * @return false if the frame was dropped because it exceeds this node's frame limit
   */
  boolean receive(PeerInfo from, byte[] frame) {
    InboundHandler target = Objects.requireNonNull(handler, "receive on a transport that is not running");
    if (frame.length > config.maxFrameBytes()) {
      // The TCP frame decoder would close the connection; the frame is lost either way.
      log.warn("{} dropped a {}-byte message from {}: over this node's limit of {} bytes",
          self.memberId().shortForm(), frame.length, from, config.maxFrameBytes());
      return false;
    }
    PeerMessage message = (PeerMessage) MessageCodec.decode(Unpooled.wrappedBuffer(frame));
    try {
      target.onMessage(from, message);
    } catch (RuntimeException e) {
      log.warn("{} inbound handler failed on {} from {}; message dropped", self.memberId().shortForm(),
          message, from, e);
    }
    return true;
  }

  private <T> @Nullable CompletableFuture<T> refuseUnlessRunning(Address address) {
    return switch (state) {
      case RUNNING -> null;
      case STOPPED -> CompletableFuture.failedFuture(new TransportClosedException(address));
      case NEW -> CompletableFuture.failedFuture(
          new IllegalStateException(self + " is not started; start it before connecting to " + address));
    };
  }

  /** Returns the connection to the address if the peer instance it reached still runs. */
  private @Nullable Connection liveConnection(Address address) {
    Connection connection = connections.get(address);
    if (connection != null && !connection.isOpen()) {
      // The peer stopped: the connection broke, and the next message reconnects, maybe to a successor.
      connections.remove(address);
      return null;
    }
    return connection;
  }

  private PendingConnection dial(Address address) {
    PendingConnection dialing = pending.get(address);
    if (dialing != null) {
      return dialing;
    }
    PendingConnection created = new PendingConnection(address, config.maxPendingMessages());
    pending.put(address, created);
    network.handshake(this, address).whenComplete((connection, failure) -> {
      if (pending.get(address) != created) {
        return; // shut down meanwhile; already failed
      }
      pending.remove(address);
      if (failure != null) {
        created.fail(failure);
      } else {
        connections.put(address, connection);
        created.succeed(connection, network);
      }
    });
    return created;
  }

  private static byte[] encode(PeerMessage message) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      MessageCodec.encode(message, buffer);
      return ByteBufUtil.getBytes(buffer);
    } finally {
      buffer.release();
    }
  }
}
