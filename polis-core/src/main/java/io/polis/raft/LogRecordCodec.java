package io.polis.raft;

import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Encodes one {@link LogEntry} as a log record: body length (4 bytes), CRC32C of the body (4), then the
 * body: term (8), index (8), kind code (1), data. Big-endian. The index is in the body so that a record
 * read back is checked for being the one expected, not just an intact one.
 */
final class LogRecordCodec {

  /** Length and checksum. */
  static final int HEADER_BYTES = 8;
  /** Term, index and kind. */
  static final int BODY_FIXED_BYTES = 17;
  /** Everything but the data. */
  static final int OVERHEAD = HEADER_BYTES + BODY_FIXED_BYTES;
  /** {@link LogEntry#sizeInBytes()} of an entry whose record takes this many fewer bytes. */
  static final int SIZE_IN_BYTES_DELTA = OVERHEAD - 21;

  private LogRecordCodec() {}

  static int recordBytes(LogEntry entry) {
    return OVERHEAD + entry.data().length;
  }

  /** Writes the record at the buffer's position, which must be backed by an array. */
  static void encode(LogEntry entry, ByteBuffer out) {
    int start = out.position();
    out.putInt(BODY_FIXED_BYTES + entry.data().length).putInt(0);
    out.putLong(entry.term()).putLong(entry.index()).put((byte) entry.kind().code()).put(entry.data());
    CRC32C crc = new CRC32C();
    crc.update(out.array(), out.arrayOffset() + start + HEADER_BYTES, out.position() - start - HEADER_BYTES);
    out.putInt(start + 4, (int) crc.getValue());
  }

  /**
   * Checks the record at the buffer's position, which holds at least its header, and decodes it.
   *
   * @param in positioned at a record; left after it when the record is whole
   * @param expectedIndex the index the record must carry
   * @return the entry, or why the record cannot be used
   */
  static Decoded decode(ByteBuffer in, long expectedIndex) {
    int start = in.position();
    int bodyLength = in.getInt(start);
    if (bodyLength < BODY_FIXED_BYTES) {
      return Decoded.failed("impossible body length " + bodyLength, true);
    }
    if (in.limit() - start - HEADER_BYTES < bodyLength) {
      return Decoded.failed("record cut short: " + (in.limit() - start - HEADER_BYTES) + " of " + bodyLength
          + " body bytes", true);
    }
    int bodyStart = start + HEADER_BYTES;
    CRC32C crc = new CRC32C();
    crc.update(in.duplicate().position(bodyStart).limit(bodyStart + bodyLength));
    if ((int) crc.getValue() != in.getInt(start + 4)) {
      return Decoded.failed("checksum mismatch", true);
    }
    long term = in.getLong(bodyStart);
    long index = in.getLong(bodyStart + 8);
    Optional<EntryKind> kind = EntryKind.fromCode(in.get(bodyStart + 16));
    if (index != expectedIndex || term < 0 || kind.isEmpty()) {
      // An intact record that is not the one expected is not a torn write: something else went wrong.
      return Decoded.failed(index != expectedIndex ? "index " + index + " where " + expectedIndex
          + " was expected" : "impossible term " + term + " or kind code " + in.get(bodyStart + 16), false);
    }
    byte[] data = new byte[bodyLength - BODY_FIXED_BYTES];
    in.position(bodyStart + BODY_FIXED_BYTES).get(data);
    return new Decoded(new LogEntry(term, index, kind.get(), data), null, false);
  }

  /**
   * Tells whether the bytes at {@code at} are the intact record of entry {@code expectedIndex}: the checks of
   * {@link #decode}, in place, with no copy and nothing allocated. The buffer must hold the whole record as
   * its header gives its length, and be backed by an array.
   *
   * @param crc reset and used here; the caller keeps one to reuse
   */
  static boolean isIntact(ByteBuffer in, int at, long expectedIndex, CRC32C crc) {
    int bodyLength = in.getInt(at);
    if (bodyLength < BODY_FIXED_BYTES || in.limit() - at - HEADER_BYTES < bodyLength) {
      return false;
    }
    int bodyStart = at + HEADER_BYTES;
    crc.reset();
    crc.update(in.array(), in.arrayOffset() + bodyStart, bodyLength);
    return (int) crc.getValue() == in.getInt(at + 4) && in.getLong(bodyStart + 8) == expectedIndex
        && in.getLong(bodyStart) >= 0 && EntryKind.fromCode(in.get(bodyStart + 16)).isPresent();
  }

  /**
   * The outcome of {@link #decode}.
   *
   * @param entry the entry, when the record is good
   * @param problem why it is not, otherwise
   * @param torn whether the damage could be a write that a crash interrupted (a bad length or checksum, a
   *     short body); an intact record that is not the one expected never is
   */
  record Decoded(@Nullable LogEntry entry, @Nullable String problem, boolean torn) {
    static Decoded failed(String problem, boolean torn) {
      return new Decoded(null, problem, torn);
    }
  }
}
