package io.polis.transport.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.InboundHandler;
import io.polis.transport.PeerInfo;
import io.polis.transport.Transport;
import io.polis.transport.TransportClosedException;
import io.polis.transport.TransportConfig;
import io.polis.wire.Goodbye;
import io.polis.wire.PeerMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP {@link Transport}: one listening port, one lazily made outbound connection per peer, every
 * connection authenticated by the Polis handshake (and encrypted when TLS is configured) before any
 * message is read from it.
 *
 * <p>Start with {@link #start(InboundHandler)}; stop with {@link #shutdown()}, which says goodbye to
 * every peer and flushes what was already sent before closing.
 */
public final class NettyTransport implements Transport {

  private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

  private enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED }

  private final TransportConfig config;
  private final TransportContext context;
  private final Backoff backoff;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final ConcurrentHashMap<Address, PeerConnection> connections = new ConcurrentHashMap<>();
  private final ChannelGroup inboundChannels = new DefaultChannelGroup("polis-inbound", GlobalEventExecutor.INSTANCE);
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  private @Nullable IoEngine engine;
  private @Nullable Channel serverChannel;
  private @Nullable Bootstrap clientBootstrap;
  private @Nullable ChannelPipelines pipelines;
  /** Made once the server channel is bound, before the start completes; volatile as any thread may ask. */
  private volatile @Nullable EventLoopScheduler loopScheduler;

  /**
   * Creates a transport; nothing is bound until {@link #start(InboundHandler)}.
   *
   * @param config the settings
   */
  public NettyTransport(TransportConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.context = new TransportContext(config);
    this.backoff = new Backoff(config.reconnectBackoffMin(), config.reconnectBackoffMax(),
        ThreadLocalRandom.current());
  }

  @Override
  public MemberId localId() {
    return config.memberId();
  }

  @Override
  public Address localAddress() {
    return context.advertisedAddress();
  }

  /**
   * Returns the number of inbound connections open now, for tests and metrics.
   *
   * @return open inbound connections
   */
  public int inboundConnectionCount() {
    return inboundChannels.size();
  }

  /**
   * Returns a scheduler that runs tasks on this transport's event loop, for a protocol engine that should
   * run where its connections are served (see {@link EventLoopScheduler} for the rules its tasks follow).
   * With {@link TransportConfig.Builder#ioThreads(int) ioThreads(1)} that loop serves every connection,
   * inbound and outbound, so the engine's inbound messages arrive on it and its sends need no hand-off;
   * with more threads connections stay spread over all loops and only those on this one benefit.
   *
   * <p>A message sent from the loop is flushed to the socket before {@code send} returns, so it leaves
   * even if the task then blocks the loop for a moment; sends from other threads are still batched.
   *
   * @return the same scheduler on every call
   * @throws IllegalStateException if {@link #start(InboundHandler)} has not completed successfully
   */
  public EventLoopScheduler eventLoopScheduler() {
    EventLoopScheduler scheduler = loopScheduler;
    if (scheduler == null) {
      throw new IllegalStateException(state.get() == State.NEW || state.get() == State.STARTING
          ? "transport not started; the event loop scheduler exists once start() has completed"
          : "transport did not start (it failed, or was shut down first); it has no event loop");
    }
    return scheduler;
  }

  @Override
  public CompletableFuture<Void> start(InboundHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (!state.compareAndSet(State.NEW, State.STARTING)) {
      return CompletableFuture.failedFuture(new IllegalStateException("transport already started"));
    }
    CompletableFuture<Void> started = new CompletableFuture<>();
    try {
      SslContext serverTls = config.tls().map(SslContexts::server).orElse(null);
      SslContext clientTls = config.tls().map(SslContexts::client).orElse(null);
      ChannelPipelines p = new ChannelPipelines(context, serverTls, clientTls);
      IoEngine io = IoEngine.create(config.ioThreads(), "polis-io-" + context.node);
      pipelines = p;
      engine = io;
      clientBootstrap = newClientBootstrap(io);
      newServerBootstrap(io, p).bind(config.bindHost(), config.port()).addListener((ChannelFuture f) -> {
        if (f.isSuccess()) {
          onBound(f.channel(), handler, io);
          started.complete(null);
        } else {
          io.group().shutdownGracefully(0, 1, TimeUnit.SECONDS);
          failedToStart();
          started.completeExceptionally(new IllegalStateException("cannot listen on " + config.bindHost() + ":"
              + config.port() + ": " + f.cause().getMessage(), f.cause()));
        }
      });
    } catch (RuntimeException e) {
      IoEngine io = engine;
      if (io != null) {
        io.group().shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
      failedToStart();
      started.completeExceptionally(e);
    }
    return started;
  }

  /** A transport that never started is stopped: a later shutdown() or close() has nothing to wait for. */
  private void failedToStart() {
    state.set(State.STOPPED);
    stopped.complete(null);
  }

  private void onBound(Channel channel, InboundHandler handler, IoEngine io) {
    serverChannel = channel;
    InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
    Address advertised = config.advertisedAddress()
        .map(a -> a.port() == 0 ? new Address(a.host(), bound.getPort()) : a)
        .orElseGet(() -> new Address(advertisableHost(bound), bound.getPort()));
    context.started(advertised, handler);
    // The listening channel's loop: with one I/O thread the loop of every connection; with more, any is
    // as good as another (and taking this one leaves the group's round-robin of connections untouched).
    loopScheduler = new EventLoopScheduler(channel.eventLoop());
    state.set(State.RUNNING);
    log.info("{} listening on {} as {} in cluster '{}' (engine {}, tls {}, authentication {})", context.node,
        Address.of(bound), advertised, config.clusterName(), io.name(), config.tls().isPresent() ? "on" : "off",
        context.proofs.enabled() ? "on" : "off");
  }

  private String advertisableHost(InetSocketAddress bound) {
    if (!bound.getAddress().isAnyLocalAddress()) {
      return bound.getAddress().getHostAddress();
    }
    try {
      // Bound to every interface: announce this host's address; set advertisedAddress to override.
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      return InetAddress.getLoopbackAddress().getHostAddress();
    }
  }

  private ServerBootstrap newServerBootstrap(IoEngine io, ChannelPipelines p) {
    return new ServerBootstrap()
        .group(io.group())
        .channel(io.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (context.closing()) {
              ch.close();
            } else if (inboundChannels.size() >= config.maxInboundConnections()) {
              log.warn("{} refused connection from {}: already {} inbound connections (maxInboundConnections)",
                  context.node, ch.remoteAddress(), inboundChannels.size());
              ch.close();
            } else {
              inboundChannels.add(ch);
              p.initAccepted(ch);
            }
          }
        });
  }

  private Bootstrap newClientBootstrap(IoEngine io) {
    return new Bootstrap()
        .group(io.group())
        .channel(io.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
            config.connectTimeout().toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark());
  }

  private WriteBufferWaterMark waterMark() {
    return new WriteBufferWaterMark(config.writeBufferLowWatermark(), config.writeBufferHighWatermark());
  }

  private ChannelFuture dial(Address address, ClientHandshakeHandler handshake) {
    Bootstrap bootstrap = Objects.requireNonNull(clientBootstrap).clone();
    ChannelPipelines p = Objects.requireNonNull(pipelines);
    return bootstrap.handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        p.initConnected(ch, address, handshake);
      }
    }).connect(address.host(), address.port());
  }

  @Override
  public CompletableFuture<PeerInfo> connect(Address address) {
    Objects.requireNonNull(address, "address");
    if (state.get() != State.RUNNING) {
      return CompletableFuture.failedFuture(notRunning(address));
    }
    return connection(address).connect();
  }

  @Override
  public CompletableFuture<Void> send(Address address, PeerMessage message) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(message, "message");
    if (state.get() != State.RUNNING) {
      return CompletableFuture.failedFuture(notRunning(address));
    }
    return connection(address).send(message);
  }

  private RuntimeException notRunning(Address address) {
    return state.get() == State.NEW || state.get() == State.STARTING
        ? new IllegalStateException("transport not started; call start() first")
        : new TransportClosedException(address);
  }

  private PeerConnection connection(Address address) {
    return connections.computeIfAbsent(address, a -> new PeerConnection(a, context, this::dial, backoff));
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    State previous = state.getAndUpdate(s -> s == State.RUNNING || s == State.STARTING ? State.STOPPING
        : s == State.NEW ? State.STOPPED : s);
    if (previous == State.NEW) {
      stopped.complete(null);
    }
    if (previous != State.RUNNING && previous != State.STARTING) {
      return stopped;
    }
    context.markClosing();
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    Channel server = serverChannel;
    if (server != null) {
      closing.add(whenClosed(server.close()));
    }
    connections.values().forEach(c -> closing.add(c.close()));
    for (Channel inbound : inboundChannels) {
      // Tell the peer this is a departure, not a failure; the flush carries what was queued before.
      closing.add(whenClosed(ChannelPipelines.writeAndFlush(inbound, Goodbye.INSTANCE)
          .addListener(ChannelFutureListener.CLOSE)));
    }
    long timeoutNanos = config.shutdownTimeout().toNanos();
    CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
        .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
        .whenComplete((v, e) -> {
          if (e != null) {
            log.warn("{} some connections did not close within {}; forcing", context.node, config.shutdownTimeout());
          }
          IoEngine io = engine;
          if (io == null) {
            finishStop();
          } else {
            io.group().shutdownGracefully(0, timeoutNanos, TimeUnit.NANOSECONDS).addListener(f -> finishStop());
          }
        });
    return stopped;
  }

  private void finishStop() {
    state.set(State.STOPPED);
    log.info("{} transport stopped", context.node);
    stopped.complete(null);
  }

  private static CompletableFuture<Void> whenClosed(ChannelFuture future) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    future.channel().closeFuture().addListener(f -> done.complete(null));
    return done;
  }

  @Override
  public void close() {
    try {
      shutdown().get(config.shutdownTimeout().toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{} transport did not stop cleanly: {}", context.node, e.toString());
    }
  }
}
