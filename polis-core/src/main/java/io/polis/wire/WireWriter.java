package io.polis.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.polis.node.Address;
import io.polis.node.MemberId;

/** Writes fields in the layout {@link WireReader} reads. */
public final class WireWriter {

  private final ByteBuf out;

  /**
   * Creates a writer appending to a buffer.
   *
   * @param out the buffer to append to
   */
  public WireWriter(ByteBuf out) {
    this.out = out;
  }

  /**
   * Writes an unsigned byte.
   *
   * @param value 0 to 255
   */
  public void writeUnsignedByte(int value) {
    out.writeByte(value);
  }

  /**
   * Writes a big-endian 32-bit integer.
   *
   * @param value the value
   */
  public void writeInt(int value) {
    out.writeInt(value);
  }

  /**
   * Writes a big-endian 64-bit integer.
   *
   * @param value the value
   */
  public void writeLong(long value) {
    out.writeLong(value);
  }

  /**
   * Writes a boolean as one byte.
   *
   * @param value the value
   */
  public void writeBoolean(boolean value) {
    out.writeByte(value ? 1 : 0);
  }

  /**
   * Writes a length-prefixed byte array.
   *
   * @param bytes the bytes
   */
  public void writeBytes(byte[] bytes) {
    out.writeInt(bytes.length);
    out.writeBytes(bytes);
  }

  /**
   * Writes raw bytes with no prefix.
   *
   * @param bytes the bytes
   */
  public void writeFixedBytes(byte[] bytes) {
    out.writeBytes(bytes);
  }

  /**
   * Writes a length-prefixed UTF-8 string.
   *
   * @param value the string
   */
  public void writeString(String value) {
    int lengthIndex = out.writerIndex();
    out.writeInt(0);
    int written = ByteBufUtil.writeUtf8(out, value);
    out.setInt(lengthIndex, written);
  }

  /**
   * Writes a member id (16 bytes).
   *
   * @param id the id
   */
  public void writeMemberId(MemberId id) {
    out.writeLong(id.value().getMostSignificantBits());
    out.writeLong(id.value().getLeastSignificantBits());
  }

  /**
   * Writes an address: a host string and a 16-bit port.
   *
   * @param address the address
   */
  public void writeAddress(Address address) {
    writeString(address.host());
    out.writeShort(address.port());
  }
}
