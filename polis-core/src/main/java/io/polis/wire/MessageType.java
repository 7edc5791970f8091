package io.polis.wire;

import java.util.Optional;

/**
 * The one-byte type code in every frame's envelope.
 *
 * <p>Codes are grouped by family so a frame dump reads at a glance: 0x01-0x0F handshake, 0x10-0x1F
 * connection control, 0x20 and up protocol messages. A code, once released, is never reused.
 */
public enum MessageType {
  /** {@link Hello}. */
  HELLO(0x01),
  /** {@link Welcome}. */
  WELCOME(0x02),
  /** {@link AuthProof}. */
  AUTH_PROOF(0x03),
  /** {@link Accepted}. */
  ACCEPTED(0x04),
  /** {@link Reject}. */
  REJECT(0x05),
  /** {@link Heartbeat}. */
  HEARTBEAT(0x10),
  /** {@link Goodbye}. */
  GOODBYE(0x11),
  /** {@link DataMessage}. */
  DATA(0x20),
  /** {@link Ping}. */
  PING(0x30),
  /** {@link Ack}. */
  ACK(0x31),
  /** {@link Nack}. */
  NACK(0x32),
  /** {@link PingReq}. */
  PING_REQ(0x33),
  /** {@link PushPull}. */
  PUSH_PULL(0x34),
  /** {@link Gossip}. */
  GOSSIP(0x35),
  /** {@link VoteRequest}. */
  VOTE_REQUEST(0x40),
  /** {@link VoteResponse}. */
  VOTE_RESPONSE(0x41),
  /** {@link AppendRequest}. */
  APPEND_REQUEST(0x42),
  /** {@link AppendResponse}. */
  APPEND_RESPONSE(0x43),
  /** {@link RaftHeartbeat}. */
  RAFT_HEARTBEAT(0x44),
  /** {@link RaftHeartbeatResponse}. */
  RAFT_HEARTBEAT_RESPONSE(0x45),
  /** {@link TimeoutNow}. */
  TIMEOUT_NOW(0x46),
  /** {@link ReadIndexRequest}. */
  READ_INDEX_REQUEST(0x47),
  /** {@link ReadIndexResponse}. */
  READ_INDEX_RESPONSE(0x48),
  /** {@link ForwardedProposal}. */
  FORWARDED_PROPOSAL(0x49),
  /** {@link InstallSnapshot}. */
  INSTALL_SNAPSHOT(0x4A),
  /** {@link InstallSnapshotResponse}. */
  INSTALL_SNAPSHOT_RESPONSE(0x4B);

  private static final MessageType[] BY_CODE = new MessageType[256];

  static {
    for (MessageType type : values()) {
      BY_CODE[type.code] = type;
    }
  }

  private final int code;

  MessageType(int code) {
    this.code = code;
  }

  /**
   * Returns the code written in the envelope.
   *
   * @return a value from 1 to 255
   */
  public int code() {
    return code;
  }

  /**
   * Finds the type with the given code.
   *
   * @param code an unsigned byte read from the wire
   * @return the type, or empty when no type has that code
   */
  public static Optional<MessageType> fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
  }

  /**
   * Tells whether this type is part of the connection handshake.
   *
   * @return true for the handshake family
   */
  public boolean isHandshake() {
    return code < 0x10;
  }
}
