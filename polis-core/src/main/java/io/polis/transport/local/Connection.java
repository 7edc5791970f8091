package io.polis.transport.local;

import io.polis.node.Address;
import io.polis.transport.PeerInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One authenticated outbound connection from a node to one running instance of a peer, and the frames
 * travelling on it.
 *
 * <p>The connection is bound to the peer's instance, not its address: when the peer stops, the
 * connection is dead even if another node starts at the same address, so frames in flight never reach
 * the newcomer, as they would not on TCP.
 */
final class Connection {

  private final PeerInfo source;
  private final LocalTransport target;
  private final PeerInfo peer;
  /** FIFO frames in send order; a frame leaves only when it and every frame before it have arrived. */
  private final ArrayDeque<InFlight> fifo = new ArrayDeque<>();

  Connection(PeerInfo source, LocalTransport target) {
    this.source = source;
    this.target = target;
    this.peer = target.identity();
  }

  /** Returns the connecting node as the peer saw it in the handshake. */
  PeerInfo source() {
    return source;
  }

  /** Returns the accepting node as the connecting node saw it in the handshake. */
  PeerInfo peer() {
    return peer;
  }

  LocalTransport target() {
    return target;
  }

  Address from() {
    return source.advertisedAddress();
  }

  Address to() {
    return peer.advertisedAddress();
  }

  /** Whether the peer instance this connection reached still runs. */
  boolean isOpen() {
    return target.isRunning();
  }

  /**
   * Puts a frame on the wire.
   *
   * @param frame the encoded message
   * @param ordered whether it must wait behind the ordered frames sent before it
   * @return the handle to pass to {@link #arrive} when its delay has passed
   */
  InFlight launch(byte[] frame, boolean ordered) {
    InFlight inFlight = new InFlight(frame, ordered);
    if (ordered) {
      fifo.addLast(inFlight);
    }
    return inFlight;
  }

  /**
   * Records that a frame's delay has passed.
   *
   * @param inFlight a handle from {@link #launch}
   * @return the frames that may now be handed to the peer, in order; empty while an earlier ordered frame
   *     is still travelling
   */
  List<byte[]> arrive(InFlight inFlight) {
    if (!inFlight.ordered) {
      return List.of(inFlight.frame);
    }
    inFlight.arrived = true;
    List<byte[]> ready = new ArrayList<>(1);
    while (!fifo.isEmpty() && fifo.peekFirst().arrived) {
      ready.add(fifo.removeFirst().frame);
    }
    return ready;
  }

  @Override
  public String toString() {
    return source + " -> " + peer;
  }

  /** A frame on its way. */
  static final class InFlight {
    private final byte[] frame;
    private final boolean ordered;
    private boolean arrived;

    private InFlight(byte[] frame, boolean ordered) {
      this.frame = frame;
      this.ordered = ordered;
    }
  }
}
