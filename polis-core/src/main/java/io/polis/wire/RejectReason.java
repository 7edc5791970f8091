package io.polis.wire;

import java.util.Optional;

/** Why a node refused or closed a connection; carried by {@link Reject} as a one-byte code. */
public enum RejectReason {
  /** The peer speaks a protocol version this node does not. */
  VERSION_MISMATCH(1),
  /** The peer belongs to a cluster with another name. */
  CLUSTER_MISMATCH(2),
  /** The peer could not prove it knows the cluster secret, or the secret is set on one side only. */
  AUTHENTICATION_FAILED(3),
  /** The peer did not complete the handshake in time. */
  HANDSHAKE_TIMEOUT(4),
  /** The peer sent a frame that is malformed or not allowed at this point of the conversation. */
  PROTOCOL_ERROR(5),
  /** This node is shutting down or is over its connection limit. */
  UNAVAILABLE(6);

  private final int code;

  RejectReason(int code) {
    this.code = code;
  }

  /**
   * Returns the code written on the wire.
   *
   * @return a value from 1 to 255
   */
  public int code() {
    return code;
  }

  /**
   * Finds the reason with the given wire code.
   *
   * @param code a code read from the wire
   * @return the reason, or empty when the code is unknown (a newer peer)
   */
  public static Optional<RejectReason> fromCode(int code) {
    for (RejectReason reason : values()) {
      if (reason.code == code) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }
}
