package io.polis.transport.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The I/O engine: native epoll when its library is on the class path and loads, NIO otherwise.
 *
 * @param name "epoll" or "nio", for the start-up log line
 * @param group the event loops
 * @param serverChannel the listening channel class
 * @param socketChannel the connection channel class
 */
record IoEngine(
    String name,
    EventLoopGroup group,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel) {

  static IoEngine create(int threads, String threadPrefix) {
    // Non-daemon, like any server's: a running member keeps its JVM alive until it is shut down.
    DefaultThreadFactory threadFactory = new DefaultThreadFactory(threadPrefix, false);
    if (epollAvailable()) {
      IoHandlerFactory factory = EpollIoHandler.newFactory();
      return new IoEngine("epoll", new MultiThreadIoEventLoopGroup(threads, threadFactory, factory),
          EpollServerSocketChannel.class, EpollSocketChannel.class);
    }
    return new IoEngine("nio", new MultiThreadIoEventLoopGroup(threads, threadFactory, NioIoHandler.newFactory()),
        NioServerSocketChannel.class, NioSocketChannel.class);
  }

  private static boolean epollAvailable() {
    try {
      return Epoll.isAvailable();
    } catch (LinkageError e) {
      return false;
    }
  }
}
