package io.polis.transport;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.wire.PeerMessage;
import java.util.concurrent.CompletableFuture;

/**
 * Carries {@link PeerMessage}s between the members of one cluster.
 *
 * <p><b>Contract.</b>
 *
 * <ul>
 *   <li>No method blocks and none throws for a network condition: outcomes arrive through the returned
 *       futures, failed with a {@link TransportException} subclass that says what happened.
 *   <li>Messages sent to one address arrive in the order they were sent, or not at all; a transport may
 *       lose messages when a connection breaks. Protocols above resend what matters, and must tolerate
 *       a message arriving twice (the in-memory transport duplicates on purpose when told to).
 *   <li>{@link #connect} and {@link #send} before {@link #start} fail with {@link IllegalStateException};
 *       a failed bind fails the future returned by {@link #start}.
 *   <li>Connections are made lazily, one outbound connection per peer address, and each is
 *       authenticated by a handshake before any message is read from it.
 *   <li>Inbound messages are handed to the {@link InboundHandler} on a transport thread, in arrival order
 *       per connection. The handler must return quickly and must not block: protocol cores hand the
 *       message to their own thread.
 * </ul>
 */
public interface Transport extends AutoCloseable {

  /**
   * Returns the member id this transport presents in its handshakes.
   *
   * @return the local member id
   */
  MemberId localId();

  /**
   * Returns the address peers should use to reach this node: the advertised address, or the bound one.
   * Valid once {@link #start()} has completed.
   *
   * @return the local address
   */
  Address localAddress();

  /**
   * Starts listening. Completes when the node accepts connections, or fails if it cannot bind.
   *
   * @param handler receives every message peers send to this node
   * @return a future that completes when started
   */
  CompletableFuture<Void> start(InboundHandler handler);

  /**
   * Makes sure an authenticated connection to the given address exists, connecting if needed.
   *
   * @param address the peer's address
   * @return the peer's identity once the handshake has passed; fails with
   *     {@link HandshakeRejectedException} if either side refused the other, or
   *     {@link PeerUnavailableException} if no connection could be made
   */
  CompletableFuture<PeerInfo> connect(Address address);

  /**
   * Sends a message, connecting first if needed.
   *
   * @param address the peer's address
   * @param message the message
   * @return a future that completes when the message has been handed to the network (not when the peer
   *     has processed it); fails with a {@link TransportException} subclass
   */
  CompletableFuture<Void> send(Address address, PeerMessage message);

  /**
   * Closes every connection, flushing what was already sent, and stops listening. Idempotent.
   *
   * @return a future that completes when everything is closed
   */
  CompletableFuture<Void> shutdown();

  /** Shuts down and waits for the shutdown to finish. */
  @Override
  void close();
}
