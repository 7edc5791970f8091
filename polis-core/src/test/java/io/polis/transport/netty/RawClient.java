package io.polis.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.wire.Accepted;
import io.polis.wire.AuthProof;
import io.polis.wire.Envelope;
import io.polis.wire.Hello;
import io.polis.wire.Message;
import io.polis.wire.MessageCodec;
import io.polis.wire.Welcome;
import io.polis.wire.WireLimits;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A peer that speaks raw bytes: a blocking {@link Socket} on which a test writes exactly what it wants
 * (garbage, hand-made or corrupted frames, a trickle) and then watches how the server ends the
 * connection. Every read has a timeout, so a server that fails to close fails the test instead of
 * hanging it.
 */
final class RawClient implements AutoCloseable {

  /** How the server ended the connection. */
  enum Ending { EOF, RESET }

  /**
   * The end of the connection as the client saw it.
   *
   * @param how a FIN (end of stream) or a reset
   * @param after the time from connecting to seeing the end
   */
  record Closed(Ending how, Duration after) {}

  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
  /** Bounds each read of a frame the server is expected to send at once (handshake replies). */
  private static final int READ_TIMEOUT_MILLIS = 5_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final long connectedAtNanos;

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.connectedAtNanos = System.nanoTime();
  }

  /**
   * Opens a TCP connection.
   *
   * @param address where the server listens
   * @return the connected client
   */
  static RawClient connect(Address address) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true); // each write is its own segment: the trickle really trickles
      socket.connect(new InetSocketAddress(address.host(), address.port()), CONNECT_TIMEOUT_MILLIS);
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      return new RawClient(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** @return the client's local port, which the server logs as part of the remote address */
  int localPort() {
    return socket.getLocalPort();
  }

  /** @return how the server names this connection in its log lines before the handshake */
  String remoteName() {
    return "127.0.0.1:" + localPort();
  }

  /**
   * Writes bytes as they are.
   *
   * @param bytes the bytes
   * @return this client
   */
  RawClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /**
   * Writes several chunks in one write, so the server is likely to read them together.
   *
   * @param chunks the byte arrays, in order
   * @return this client
   */
  RawClient sendTogether(byte[]... chunks) throws IOException {
    return send(concat(chunks));
  }

  /**
   * Writes a message as a well-formed frame, exactly as a node would.
   *
   * @param message the message
   * @return this client
   */
  RawClient sendFrame(Message message) throws IOException {
    return send(frame(message));
  }

  /** Closes the client's sending half: the server reads end of stream, the client can still read. */
  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /**
   * Reads one frame the server sent and decodes it.
   *
   * @return the message
   */
  Message readFrame() throws IOException {
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    DataInputStream data = new DataInputStream(in);
    int length = data.readInt();
    byte[] body = new byte[length];
    data.readFully(body);
    return MessageCodec.decode(Unpooled.wrappedBuffer(body));
  }

  /**
   * Plays the connecting side of a handshake with no cluster secret (empty proofs), as a node would.
   *
   * @param clusterName the cluster to claim
   * @param id the member id to claim
   */
  void completeHandshake(String clusterName, MemberId id) throws IOException {
    byte[] nonce = HandshakeProofs.newNonce(WireLimits.NONCE_BYTES);
    sendFrame(new Hello(clusterName, id, new Address("127.0.0.1", localPort()), nonce));
    Message welcome = readFrame();
    if (!(welcome instanceof Welcome)) {
      throw new AssertionError("expected Welcome but the server sent " + welcome);
    }
    sendFrame(new AuthProof(new byte[0]));
    Message accepted = readFrame();
    if (!(accepted instanceof Accepted)) {
      throw new AssertionError("expected Accepted but the server sent " + accepted);
    }
  }

  /**
   * Reads, discarding whatever arrives, until the server closes the connection.
   *
   * @param within how long to wait at most
   * @return how and when the connection ended
   * @throws AssertionError if the connection is still open after {@code within}
   */
  Closed awaitClosed(Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    byte[] buffer = new byte[8192];
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("the server did not close the connection from " + remoteName() + " within "
            + within);
      }
      socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      try {
        if (in.read(buffer) < 0) {
          return closed(Ending.EOF);
        }
      } catch (SocketTimeoutException e) {
        // loop: the deadline check above ends the wait
      } catch (SocketException e) {
        return closed(Ending.RESET); // "Connection reset": the server closed with our bytes unread
      }
    }
  }

  private Closed closed(Ending how) {
    return new Closed(how, Duration.ofNanos(System.nanoTime() - connectedAtNanos));
  }

  /**
   * Writes the bytes one at a time, one every {@code interval}, on the scheduler's thread, until all are
   * written or the connection breaks.
   *
   * @param bytes the bytes to trickle
   * @param interval the pause between two bytes
   * @param scheduler paces the writes
   * @return the number of bytes written so far, updated as the trickle goes
   */
  AtomicInteger trickle(byte[] bytes, Duration interval, ScheduledExecutorService scheduler) {
    AtomicInteger written = new AtomicInteger();
    Runnable step = new Runnable() {
      @Override
      public void run() {
        int next = written.get();
        if (next >= bytes.length || socket.isClosed()) {
          return;
        }
        try {
          out.write(bytes[next]);
          out.flush();
        } catch (IOException e) {
          return; // the server closed the connection: the trickle is over
        }
        written.incrementAndGet();
        scheduler.schedule(this, interval.toNanos(), TimeUnit.NANOSECONDS);
      }
    };
    scheduler.execute(step);
    return written;
  }

  /** Closes with a reset (SO_LINGER 0) instead of a FIN, as a crashed or impatient client might. */
  void abort() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /**
   * Encodes a message as a frame: length prefix, envelope, body.
   *
   * @param message the message
   * @return the frame's bytes
   */
  static byte[] frame(Message message) {
    return frame(body(message));
  }

  /**
   * Puts a length prefix that matches in front of the given envelope-and-body bytes.
   *
   * @param body the frame without its prefix, well-formed or not
   * @return the frame's bytes
   */
  static byte[] frame(byte[] body) {
    return concat(lengthPrefix(body.length), body);
  }

  /**
   * Encodes a message without the length prefix, so a test can corrupt it before framing it.
   *
   * @param message the message
   * @return envelope and body
   */
  static byte[] body(Message message) {
    ByteBuf buf = Unpooled.buffer();
    MessageCodec.encode(message, buf, Envelope.CURRENT_VERSION);
    return ByteBufUtil.getBytes(buf);
  }

  /**
   * Encodes a length prefix; any int, including lengths no frame may have.
   *
   * @param length the length to announce
   * @return four bytes, big-endian
   */
  static byte[] lengthPrefix(int length) {
    return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
  }

  static byte[] concat(byte[]... chunks) {
    int size = 0;
    for (byte[] chunk : chunks) {
      size += chunk.length;
    }
    byte[] all = new byte[size];
    int at = 0;
    for (byte[] chunk : chunks) {
      System.arraycopy(chunk, 0, all, at, chunk.length);
      at += chunk.length;
    }
    return all;
  }
}
