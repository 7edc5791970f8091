package io.polis.wire;

import io.netty.buffer.ByteBuf;
import io.polis.node.Address;
import io.polis.node.MemberId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Bounded reads from one frame body. Every method checks that the bytes it needs are there, and every
 * variable-length field is checked against a cap before it is allocated, so no input can make a reader
 * allocate more than the frame it came in.
 */
public final class WireReader {

  /** Refuses malformed input instead of replacing it, so a frame cannot smuggle in an altered name. */
  private static final ThreadLocal<CharsetDecoder> STRICT_UTF8 = ThreadLocal.withInitial(() ->
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT));

  private final ByteBuf in;

  /**
   * Creates a reader over the readable bytes of a buffer.
   *
   * @param in the frame body; the reader advances its reader index
   */
  public WireReader(ByteBuf in) {
    this.in = in;
  }

  /**
   * Reads an unsigned byte.
   *
   * @param field the field name, for the error message
   * @return 0 to 255
   */
  public int readUnsignedByte(String field) {
    require(field, 1);
    return in.readUnsignedByte();
  }

  /**
   * Reads a big-endian 32-bit integer.
   *
   * @param field the field name, for the error message
   * @return the value
   */
  public int readInt(String field) {
    require(field, 4);
    return in.readInt();
  }

  /**
   * Reads a big-endian 64-bit integer.
   *
   * @param field the field name, for the error message
   * @return the value
   */
  public long readLong(String field) {
    require(field, 8);
    return in.readLong();
  }

  /**
   * Reads a boolean written as one byte, 0 or 1.
   *
   * @param field the field name, for the error message
   * @return the value
   */
  public boolean readBoolean(String field) {
    int b = readUnsignedByte(field);
    if (b > 1) {
      throw new WireFormatException(field + " is a boolean but holds " + b);
    }
    return b == 1;
  }

  /**
   * Reads a length-prefixed byte array.
   *
   * @param field the field name, for the error message
   * @param maxLength the longest array accepted
   * @return a new array
   */
  public byte[] readBytes(String field, int maxLength) {
    int length = readLength(field, maxLength);
    byte[] bytes = new byte[length];
    in.readBytes(bytes);
    return bytes;
  }

  /**
   * Reads exactly {@code length} raw bytes with no prefix.
   *
   * @param field the field name, for the error message
   * @param length the number of bytes
   * @return a new array
   */
  public byte[] readFixedBytes(String field, int length) {
    require(field, length);
    byte[] bytes = new byte[length];
    in.readBytes(bytes);
    return bytes;
  }

  /**
   * Reads a length-prefixed string of strictly valid UTF-8.
   *
   * @param field the field name, for the error message
   * @param maxBytes the longest encoding accepted, in bytes
   * @return the string
   */
  public String readString(String field, int maxBytes) {
    int length = readLength(field, maxBytes);
    int start = in.readerIndex();
    // Most strings on the wire (cluster names, hosts, channels) are ASCII: no decoder needed for those.
    if (in.forEachByte(start, length, b -> b >= 0) == -1) {
      String ascii = in.toString(start, length, StandardCharsets.US_ASCII);
      in.skipBytes(length);
      return ascii;
    }
    byte[] bytes = new byte[length];
    in.readBytes(bytes);
    CharsetDecoder decoder = STRICT_UTF8.get().reset();
    try {
      return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new WireFormatException(field + " is not valid UTF-8");
    }
  }

  /**
   * Reads the element count of a list, checked so that the list cannot claim more elements than the
   * bytes left could hold.
   *
   * @param field the field name, for the error message
   * @param maxCount the largest count accepted
   * @param minElementBytes the fewest bytes one element takes on the wire (at least 1)
   * @return the count
   */
  public int readCount(String field, int maxCount, int minElementBytes) {
    int count = readInt(field + " count");
    if (count < 0 || count > maxCount) {
      throw new WireFormatException(field + " count " + count + " is outside 0.." + maxCount);
    }
    long needed = (long) count * Math.max(1, minElementBytes);
    if (needed > in.readableBytes()) {
      throw new WireFormatException(field + " count " + count + " needs at least " + needed
          + " bytes but only " + in.readableBytes() + " remain");
    }
    return count;
  }

  /**
   * Reads a member id (16 bytes).
   *
   * @param field the field name, for the error message
   * @return the id
   */
  public MemberId readMemberId(String field) {
    require(field, 16);
    return new MemberId(new UUID(in.readLong(), in.readLong()));
  }

  /**
   * Reads an address: a host string and a 16-bit port.
   *
   * @param field the field name, for the error message
   * @return the address
   */
  public Address readAddress(String field) {
    String host = readString(field + " host", WireLimits.MAX_HOST_BYTES);
    require(field + " port", 2);
    int port = in.readUnsignedShort();
    try {
      return new Address(host, port);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(field + " is invalid: " + e.getMessage());
    }
  }

  /**
   * Checks that the body has been read to its end.
   *
   * @param type the message type, for the error message
   */
  public void expectEnd(MessageType type) {
    if (in.isReadable()) {
      throw new WireFormatException(in.readableBytes() + " unexpected bytes after the end of a " + type + " body");
    }
  }

  private int readLength(String field, int max) {
    int length = readInt(field + " length");
    if (length < 0 || length > max) {
      throw new WireFormatException(field + " length " + length + " is outside 0.." + max);
    }
    require(field, length);
    return length;
  }

  private void require(String field, int bytes) {
    if (in.readableBytes() < bytes) {
      throw new WireFormatException("truncated " + field + ": needs " + bytes + " bytes, "
          + in.readableBytes() + " remain");
    }
  }
}
