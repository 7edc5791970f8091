package io.polis.transport.netty;

import io.polis.node.Address;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 that forwards every connection to one target and records the bytes of both
 * directions: what an eavesdropper on the network would see. Each byte is recorded before it is
 * forwarded, so once the far side has received something, the recording holds it.
 */
final class RecordingProxy implements AutoCloseable {

  private final Address target;
  private final ServerSocket listener;
  private final ByteArrayOutputStream upstream = new ByteArrayOutputStream();
  private final ByteArrayOutputStream downstream = new ByteArrayOutputStream();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  RecordingProxy(Address target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("proxy-accept", this::acceptLoop).start();
  }

  /** The address to dial instead of the target. */
  Address address() {
    return new Address("127.0.0.1", listener.getLocalPort());
  }

  /** Everything sent towards the target so far. */
  byte[] upstreamBytes() {
    synchronized (upstream) {
      return upstream.toByteArray();
    }
  }

  /** Everything the target sent back so far. */
  byte[] downstreamBytes() {
    synchronized (downstream) {
      return downstream.toByteArray();
    }
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket client = listener.accept();
        Socket server = new Socket(target.host(), target.port());
        sockets.add(client);
        sockets.add(server);
        daemon("proxy-up", () -> pump(client, server, upstream)).start();
        daemon("proxy-down", () -> pump(server, client, downstream)).start();
      }
    } catch (IOException e) {
      // listener closed: the proxy is done
    }
  }

  private static void pump(Socket from, Socket to, ByteArrayOutputStream record) {
    byte[] buffer = new byte[8192];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        synchronized (record) {
          record.write(buffer, 0, n);
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away; closing both streams (try-with-resources) passes that on
    }
  }

  private static Thread daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
