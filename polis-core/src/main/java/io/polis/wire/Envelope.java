package io.polis.wire;

import io.netty.buffer.ByteBuf;

/**
 * The fixed header at the start of every frame body: magic, protocol version, message type and flags.
 *
 * <p>The magic lets a node recognise a stranger (an HTTP client, a port scanner, a Java-serialization
 * stream) on the first frame and close on it; the version lets two nodes of different releases refuse
 * each other with a clear reason rather than misread each other's bytes.
 *
 * @param version the protocol version the sender speaks
 * @param type the message type
 * @param flags reserved bits; version 1 defines none, so they must be zero
 */
public record Envelope(int version, MessageType type, int flags) {

  /** The two magic bytes, "PL". */
  public static final int MAGIC = 0x504C;

  /** The protocol version this build speaks. */
  public static final int CURRENT_VERSION = 1;

  /** Bytes taken by magic (2), version (1), type (1) and flags (1). */
  public static final int SIZE = 5;

  /** Bytes of the length prefix in front of every frame. */
  public static final int LENGTH_PREFIX_SIZE = 4;

  /**
   * Writes an envelope.
   *
   * @param out the buffer to write to
   * @param version the protocol version to announce
   * @param type the message type
   */
  public static void write(ByteBuf out, int version, MessageType type) {
    out.writeShort(MAGIC);
    out.writeByte(version);
    out.writeByte(type.code());
    out.writeByte(0);
  }

  /**
   * Reads and checks an envelope.
   *
   * @param in a frame body, positioned at its start
   * @return the envelope
   * @throws WireFormatException if the frame is shorter than an envelope, the magic is wrong, the
   *     version is not {@link #CURRENT_VERSION} ({@link UnsupportedVersionException}), the type is
   *     unknown or a reserved flag is set
   */
  public static Envelope read(ByteBuf in) {
    if (in.readableBytes() < SIZE) {
      throw new WireFormatException(
          "frame of " + in.readableBytes() + " bytes is shorter than the " + SIZE + "-byte envelope");
    }
    int magic = in.readUnsignedShort();
    if (magic == 0xACED) {
      throw new WireFormatException("frame starts with the Java-serialization magic 0xACED, not a Polis frame");
    }
    if (magic != MAGIC) {
      throw new WireFormatException(String.format("bad magic 0x%04X (expected 0x%04X)", magic, MAGIC));
    }
    int version = in.readUnsignedByte();
    if (version != CURRENT_VERSION) {
      throw new UnsupportedVersionException(version, CURRENT_VERSION);
    }
    int typeCode = in.readUnsignedByte();
    MessageType type = MessageType.fromCode(typeCode)
        .orElseThrow(() -> new WireFormatException(String.format("unknown message type 0x%02X", typeCode)));
    int flags = in.readUnsignedByte();
    if (flags != 0) {
      throw new WireFormatException(String.format("reserved flags 0x%02X set on a %s frame", flags, type));
    }
    return new Envelope(version, type, flags);
  }
}
