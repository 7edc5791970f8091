package io.polis.wire;

/** Body layouts of the handshake messages. */
final class HandshakeCodec {

  private HandshakeCodec() {}

  static void write(HandshakeMessage message, WireWriter out) {
    if (message instanceof Hello hello) {
      out.writeString(hello.clusterName());
      out.writeMemberId(hello.memberId());
      out.writeAddress(hello.advertisedAddress());
      out.writeFixedBytes(hello.nonce());
    } else if (message instanceof Welcome welcome) {
      out.writeString(welcome.clusterName());
      out.writeMemberId(welcome.memberId());
      out.writeAddress(welcome.advertisedAddress());
      out.writeFixedBytes(welcome.nonce());
      out.writeBytes(welcome.proof());
    } else if (message instanceof AuthProof proof) {
      out.writeBytes(proof.proof());
    } else if (message instanceof Reject reject) {
      out.writeUnsignedByte(reject.reason().code());
      out.writeString(reject.detail());
    }
    // Accepted has no body.
  }

  static HandshakeMessage read(MessageType type, WireReader in) {
    try {
      return switch (type) {
        case HELLO -> new Hello(
            in.readString("cluster name", WireLimits.MAX_CLUSTER_NAME_BYTES),
            in.readMemberId("member id"),
            in.readAddress("advertised address"),
            in.readFixedBytes("nonce", WireLimits.NONCE_BYTES));
        case WELCOME -> new Welcome(
            in.readString("cluster name", WireLimits.MAX_CLUSTER_NAME_BYTES),
            in.readMemberId("member id"),
            in.readAddress("advertised address"),
            in.readFixedBytes("nonce", WireLimits.NONCE_BYTES),
            in.readBytes("proof", WireLimits.PROOF_BYTES));
        case AUTH_PROOF -> new AuthProof(in.readBytes("proof", WireLimits.PROOF_BYTES));
        case ACCEPTED -> Accepted.INSTANCE;
        case REJECT -> readReject(in);
        default -> throw new IllegalArgumentException(type + " is not a handshake message");
      };
    } catch (IllegalArgumentException e) {
      // A record constructor refused a decoded value (a blank cluster name, a short proof).
      throw new WireFormatException(type + " body is invalid: " + e.getMessage());
    }
  }

  private static Reject readReject(WireReader in) {
    int code = in.readUnsignedByte("reject reason");
    String detail = in.readString("reject detail", WireLimits.MAX_REJECT_DETAIL_BYTES);
    RejectReason reason = RejectReason.fromCode(code)
        .orElseThrow(() -> new WireFormatException("unknown reject reason code " + code));
    return new Reject(reason, detail);
  }
}
