package io.polis.wire;

import io.netty.buffer.ByteBuf;

/**
 * Encodes and decodes whole messages: envelope plus body. Frame lengths are not its business; the
 * transport's frame decoder has already cut and bounded the frame.
 *
 * <p>Each message family has its own body codec; this class only dispatches on {@link MessageType}, and
 * the switches are exhaustive, so a new type that is not wired in does not compile.
 */
public final class MessageCodec {

  private MessageCodec() {}

  /**
   * Encodes a message in the current protocol version.
   *
   * @param message the message
   * @param out the buffer to append the envelope and body to
   */
  public static void encode(Message message, ByteBuf out) {
    encode(message, out, Envelope.CURRENT_VERSION);
  }

  /**
   * Encodes a message announcing the given protocol version in its envelope. Only tests and version
   * negotiation name a version other than {@link Envelope#CURRENT_VERSION}.
   *
   * @param message the message
   * @param out the buffer to append the envelope and body to
   * @param version the version to announce
   */
  public static void encode(Message message, ByteBuf out, int version) {
    MessageType type = message.type();
    Envelope.write(out, version, type);
    WireWriter writer = new WireWriter(out);
    switch (type) {
      case HELLO, WELCOME, AUTH_PROOF, ACCEPTED, REJECT -> HandshakeCodec.write((HandshakeMessage) message, writer);
      case HEARTBEAT, GOODBYE -> { } // no body
      case DATA -> DataCodec.write((DataMessage) message, writer);
      case PING, ACK, NACK, PING_REQ, PUSH_PULL, GOSSIP -> SwimCodec.write((SwimMessage) message, writer);
      case VOTE_REQUEST, VOTE_RESPONSE, APPEND_REQUEST, APPEND_RESPONSE, RAFT_HEARTBEAT, RAFT_HEARTBEAT_RESPONSE,
          TIMEOUT_NOW, READ_INDEX_REQUEST, READ_INDEX_RESPONSE, FORWARDED_PROPOSAL,
          INSTALL_SNAPSHOT, INSTALL_SNAPSHOT_RESPONSE ->
          RaftCodec.write((RaftMessage) message, writer);
    }
  }

  /**
   * Decodes one frame body.
   *
   * @param frame the envelope and body, without the length prefix; fully consumed on success
   * @return the message
   * @throws WireFormatException if the bytes are not a valid message of this protocol version
   */
  public static Message decode(ByteBuf frame) {
    Envelope envelope = Envelope.read(frame);
    MessageType type = envelope.type();
    WireReader reader = new WireReader(frame);
    Message message = switch (type) {
      case HELLO, WELCOME, AUTH_PROOF, ACCEPTED, REJECT -> HandshakeCodec.read(type, reader);
      case HEARTBEAT -> Heartbeat.INSTANCE;
      case GOODBYE -> Goodbye.INSTANCE;
      case DATA -> DataCodec.read(reader);
      case PING, ACK, NACK, PING_REQ, PUSH_PULL, GOSSIP -> SwimCodec.read(type, reader);
      case VOTE_REQUEST, VOTE_RESPONSE, APPEND_REQUEST, APPEND_RESPONSE, RAFT_HEARTBEAT, RAFT_HEARTBEAT_RESPONSE,
          TIMEOUT_NOW, READ_INDEX_REQUEST, READ_INDEX_RESPONSE, FORWARDED_PROPOSAL,
          INSTALL_SNAPSHOT, INSTALL_SNAPSHOT_RESPONSE -> RaftCodec.read(type, reader);
    };
    reader.expectEnd(type);
    return message;
  }
}
