package io.polis.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.wire.Envelope;
import io.polis.wire.Hello;
import io.polis.wire.MessageType;
import io.polis.wire.WireLimits;
import io.polis.wire.WireWriter;

/** Frame bodies made by hand for {@link BadInputTest}: well formed to start from, or deliberately not. */
final class BadBytes {

  private BadBytes() {}

  /** A well-formed Hello to corrupt one byte at a time. */
  static byte[] validHelloBody() {
    return RawClient.body(new Hello("test", MemberId.random(), new Address("127.0.0.1", 7800),
        new byte[WireLimits.NONCE_BYTES]));
  }

  /** A Hello whose cluster name is the given bytes, valid UTF-8 or not; the rest is well formed. */
  static byte[] helloWithClusterNameBytes(byte[] name) {
    ByteBuf body = Unpooled.buffer();
    Envelope.write(body, Envelope.CURRENT_VERSION, MessageType.HELLO);
    WireWriter writer = new WireWriter(body);
    writer.writeBytes(name); // same layout as a string: length, then the bytes
    writer.writeMemberId(MemberId.random());
    writer.writeAddress(new Address("127.0.0.1", 7800));
    writer.writeFixedBytes(new byte[WireLimits.NONCE_BYTES]);
    return ByteBufUtil.getBytes(body);
  }

  /** A Hello frame body of {@code frameBytes} whose cluster-name length field claims {@code claimed}. */
  static byte[] helloClaimingAClusterNameOf(int claimed, int frameBytes) {
    ByteBuf body = Unpooled.buffer();
    Envelope.write(body, Envelope.CURRENT_VERSION, MessageType.HELLO);
    body.writeInt(claimed);
    while (body.readableBytes() < frameBytes) {
      body.writeByte('x');
    }
    return ByteBufUtil.getBytes(body);
  }

  /** A DATA frame body whose payload length field claims {@code claimed} bytes; {@code sent} follow. */
  static byte[] dataClaimingAPayloadOf(int claimed, int sent) {
    ByteBuf body = Unpooled.buffer();
    Envelope.write(body, Envelope.CURRENT_VERSION, MessageType.DATA);
    new WireWriter(body).writeString("channel");
    body.writeInt(claimed).writeZero(sent);
    return ByteBufUtil.getBytes(body);
  }

  /** A PING frame body whose gossip list claims {@code claimed} updates, with only a few bytes after. */
  static byte[] pingClaimingUpdatesOf(int claimed) {
    ByteBuf body = Unpooled.buffer();
    Envelope.write(body, Envelope.CURRENT_VERSION, MessageType.PING);
    WireWriter writer = new WireWriter(body);
    writer.writeLong(1);
    writer.writeMemberId(MemberId.random());
    body.writeInt(claimed).writeZero(20);
    return ByteBufUtil.getBytes(body);
  }

  /** The start of what ObjectOutputStream writes: magic AC ED, version 00 05, then an object. */
  static byte[] javaSerializationStream() {
    return new byte[] {(byte) 0xAC, (byte) 0xED, 0x00, 0x05, 0x73, 0x72, 0x00, 0x11, 'j', 'a', 'v', 'a'};
  }
}
