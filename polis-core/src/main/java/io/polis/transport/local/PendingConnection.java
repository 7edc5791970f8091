package io.polis.transport.local;

import io.polis.node.Address;
import io.polis.transport.BackpressureException;
import io.polis.transport.PeerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A connection whose handshake is under way, and the messages sent to the peer meanwhile. Every
 * {@code connect} and {@code send} to the address joins it, so a node makes one connection per peer.
 */
final class PendingConnection {

  private final Address address;
  private final int maxQueued;
  private final CompletableFuture<PeerInfo> established = new CompletableFuture<>();
  private final List<Queued> queued = new ArrayList<>();
  private long queuedBytes;

  PendingConnection(Address address, int maxQueued) {
    this.address = address;
    this.maxQueued = maxQueued;
  }

  /** Returns the peer's address. */
  Address address() {
    return address;
  }

  /** Returns the future of the handshake, completed by {@link #succeed} or {@link #fail}. */
  CompletableFuture<PeerInfo> established() {
    return established;
  }

  /**
   * Queues a frame until the connection is made.
   *
   * @param frame the encoded message
   * @return completes when the frame is handed to the network; fails with the handshake's failure, or at
   *     once with {@link BackpressureException} when the queue is full
   */
  CompletableFuture<Void> enqueue(byte[] frame) {
    if (queued.size() >= maxQueued) {
      return CompletableFuture.failedFuture(new BackpressureException(address,
          queued.size() + " messages (" + queuedBytes + " bytes) queued while connecting"));
    }
    Queued entry = new Queued(frame, new CompletableFuture<>());
    queued.add(entry);
    queuedBytes += frame.length;
    return entry.sent;
  }

  /**
   * Hands the queued frames to the connection, in order, then completes every future. All frames go
   * out before any future completes, because a caller's callback may send again and must queue behind
   * them.
   *
   * @param connection the connection just made
   * @param network the network to transmit on
   */
  void succeed(Connection connection, LocalNetwork network) {
    List<Queued> entries = drain();
    for (Queued entry : entries) {
      network.transmit(connection, entry.frame);
    }
    for (Queued entry : entries) {
      entry.sent.complete(null);
    }
    established.complete(connection.peer());
  }

  /**
   * Fails the handshake and every queued message with the same cause.
   *
   * @param cause why no connection was made
   */
  void fail(Throwable cause) {
    for (Queued entry : drain()) {
      entry.sent.completeExceptionally(cause);
    }
    established.completeExceptionally(cause);
  }

  private List<Queued> drain() {
    List<Queued> entries = List.copyOf(queued);
    queued.clear();
    queuedBytes = 0;
    return entries;
  }

  private record Queued(byte[] frame, CompletableFuture<Void> sent) {}
}
