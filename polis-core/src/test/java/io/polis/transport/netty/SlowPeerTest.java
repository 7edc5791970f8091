package io.polis.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.testing.LogCapture;
import io.polis.transport.BackpressureException;
import io.polis.wire.Accepted;
import io.polis.wire.Envelope;
import io.polis.wire.Message;
import io.polis.wire.MessageCodec;
import io.polis.wire.DataMessage;
import io.polis.wire.Welcome;
import io.polis.wire.WireLimits;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A peer that completes the handshake and then never reads: the sender's memory must stay bounded
 * (sends fail fast with BackpressureException) and the connection must be closed after slowPeerTimeout.
 */
class SlowPeerTest {

  @Test
  void aPeerThatNeverReadsGetsBackpressureThenIsDisconnected() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        LogCapture logs = new LogCapture();
        TestNode sender = TestNode.start(c -> c.writeBufferWatermarks(32 * 1024, 64 * 1024)
            .slowPeerTimeout(Duration.ofSeconds(1)))) {
      server.setReceiveBufferSize(4096);
      Address address = new Address("127.0.0.1", server.getLocalPort());
      CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> handshakeThenStall(server));

      sender.transport.connect(address).join();
      Socket stalled = accepted.join();

      BackpressureException backpressure = null;
      byte[] payload = new byte[1024];
      // The kernel buffers absorb a few MiB at most; the loop bound only stops a broken transport.
      for (int i = 0; i < 200_000 && backpressure == null; i++) {
        try {
          sender.transport.send(address, new DataMessage("flood", payload)).getNow(null);
        } catch (CompletionException e) {
          if (e.getCause() instanceof BackpressureException b) {
            backpressure = b;
          } else {
            throw e;
          }
        }
      }
      assertThat(backpressure).as("sends fail fast once the peer stops reading").isNotNull();
      assertThat(backpressure).hasMessageContaining("is not keeping up");

      // A sender that keeps trying keeps the connection over its high mark; past slowPeerTimeout the
      // connection is closed rather than left to hold memory for a peer that will never read.
      // The kernel's send buffer grows and absorbs a few MiB first, so each poll tops the backlog up.
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
        for (int i = 0; i < 1_000; i++) {
          if (sender.transport.send(address, new DataMessage("flood", payload)).isCompletedExceptionally()) {
            break;
          }
        }
        return logs.warnings().stream().anyMatch(line -> line.contains(sender.id().shortForm())
            && line.contains("has not read its pending bytes"));
      });
      stalled.close();
    }
  }

  /** Plays the accepting side of the handshake (no secret), then stops reading. */
  private static Socket handshakeThenStall(ServerSocket server) {
    try {
      Socket socket = server.accept();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      readFrame(in); // Hello
      writeFrame(socket.getOutputStream(), new Welcome("test", MemberId.random(),
          new Address("127.0.0.1", server.getLocalPort()), new byte[WireLimits.NONCE_BYTES], new byte[0]));
      readFrame(in); // AuthProof
      writeFrame(socket.getOutputStream(), Accepted.INSTANCE);
      return socket;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void readFrame(DataInputStream in) throws IOException {
    int length = in.readInt();
    in.readFully(new byte[length]);
  }

  private static void writeFrame(OutputStream out, Message message) throws IOException {
    ByteBuf buf = Unpooled.buffer();
    buf.writeInt(0);
    MessageCodec.encode(message, buf);
    buf.setInt(0, buf.readableBytes() - Envelope.LENGTH_PREFIX_SIZE);
    byte[] bytes = new byte[buf.readableBytes()];
    buf.readBytes(bytes);
    out.write(bytes);
    out.flush();
  }
}
