package io.polis.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.polis.node.Address;
import io.polis.wire.Envelope;
import io.polis.wire.Message;
import io.polis.wire.MessageCodec;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A hand-driven Polis peer on a plain blocking socket, for tests that must see exactly which frames a
 * node sends (or does not send). Frames are encoded with the production {@link MessageCodec} behind a
 * 4-byte length prefix. Every read has a timeout, so a node that neither answers nor closes fails the
 * test instead of hanging it.
 */
final class RawPeer implements AutoCloseable {

  /** How long a read may block before the test fails. */
  static final int READ_TIMEOUT_MILLIS = 10_000;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawPeer(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to a node as a client. */
  static RawPeer connect(Address address) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(address.host(), address.port()), READ_TIMEOUT_MILLIS);
    return new RawPeer(socket);
  }

  /** Waits (boundedly) for a node to connect to the given listening socket. */
  static RawPeer accept(ServerSocket listener) throws IOException {
    listener.setSoTimeout(READ_TIMEOUT_MILLIS);
    return new RawPeer(listener.accept());
  }

  /** Sends one frame announcing the current protocol version. */
  void send(Message message) throws IOException {
    send(message, Envelope.CURRENT_VERSION);
  }

  /** Sends one frame announcing the given protocol version. */
  void send(Message message, int version) throws IOException {
    out.write(frame(message, version));
    out.flush();
  }

  /** Encodes a message as a length-prefixed frame, as the node's frame encoder does. */
  static byte[] frame(Message message, int version) {
    ByteBuf buf = Unpooled.buffer();
    try {
      buf.writeInt(0);
      MessageCodec.encode(message, buf, version);
      buf.setInt(0, buf.readableBytes() - Envelope.LENGTH_PREFIX_SIZE);
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  /**
   * Reads the next frame.
   *
   * @return the decoded message, or null when the node closed the connection
   * @throws java.net.SocketTimeoutException when nothing arrives within the read timeout
   */
  @Nullable Message read() throws IOException {
    int length;
    try {
      length = in.readInt();
    } catch (EOFException e) {
      return null;
    } catch (SocketException e) {
      if (isReset(e)) {
        return null; // a reset is a close too, for what these tests check
      }
      throw e;
    }
    byte[] body = new byte[length];
    in.readFully(body);
    return MessageCodec.decode(Unpooled.wrappedBuffer(body));
  }

  /**
   * Reads every frame until the node closes the connection.
   *
   * @return the frames in arrival order
   * @throws java.net.SocketTimeoutException when the node neither sends nor closes within the timeout
   */
  List<Message> readUntilClosed() throws IOException {
    List<Message> frames = new ArrayList<>();
    for (Message m = read(); m != null; m = read()) {
      frames.add(m);
    }
    return frames;
  }

  private static boolean isReset(SocketException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return message.contains("reset");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
