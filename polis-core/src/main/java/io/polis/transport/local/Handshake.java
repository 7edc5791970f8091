package io.polis.transport.local;

import io.polis.node.Address;
import io.polis.transport.HandshakeRejectedException;
import io.polis.transport.TransportConfig;
import io.polis.wire.RejectReason;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The checks of the TCP handshake (see {@link io.polis.wire.HandshakeMessage}), done on the two
 * configurations directly: no nonces or HMACs travel, but the outcome and the reject reason are the
 * ones a real connection would give, checked in the same order (version first, as it is read from the
 * envelope before anything else).
 */
final class Handshake {

  private Handshake() {}

  /**
   * Decides whether a node may connect to another.
   *
   * @param initiator the connecting node's configuration
   * @param acceptor the accepting node's configuration
   * @param acceptorAddress where the accepting node listens, for the exception
   * @return the rejection the connecting side sees, or empty when the handshake passes
   */
  static Optional<HandshakeRejectedException> check(
      TransportConfig initiator, TransportConfig acceptor, Address acceptorAddress) {
    if (initiator.protocolVersion() != acceptor.protocolVersion()) {
      return reject(acceptorAddress, RejectReason.VERSION_MISMATCH, "this node speaks protocol version "
          + initiator.protocolVersion() + ", the peer " + acceptor.protocolVersion());
    }
    if (!initiator.clusterName().equals(acceptor.clusterName())) {
      return reject(acceptorAddress, RejectReason.CLUSTER_MISMATCH, "this node belongs to cluster '"
          + initiator.clusterName() + "', the peer to '" + acceptor.clusterName() + "'");
    }
    Optional<byte[]> ours = initiator.secret();
    Optional<byte[]> theirs = acceptor.secret();
    if (ours.isPresent() != theirs.isPresent()) {
      return reject(acceptorAddress, RejectReason.AUTHENTICATION_FAILED,
          "the cluster secret is set on " + (ours.isPresent() ? "this node" : "the peer") + " only");
    }
    // Constant time, as the HMAC comparison of the real handshake, so that the simulator never
    // becomes a template for a timing leak.
    if (ours.isPresent() && !MessageDigest.isEqual(ours.get(), theirs.get())) {
      return reject(acceptorAddress, RejectReason.AUTHENTICATION_FAILED, "the cluster secrets differ");
    }
    return Optional.empty();
  }

  private static Optional<HandshakeRejectedException> reject(Address peer, RejectReason reason, String detail) {
    return Optional.of(new HandshakeRejectedException(peer, reason, detail));
  }
}
