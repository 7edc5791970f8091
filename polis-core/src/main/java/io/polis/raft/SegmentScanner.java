package io.polis.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import io.polis.wire.EntryKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Reads one segment file at open, record by record through a sliding buffer, rebuilding its in-memory
 * index up to the first record that cannot be used. Whether that damage may be cut off is
 * {@link LogRecovery}'s decision; this class only reports it, and whether any intact record follows.
 */
final class SegmentScanner {

  private static final int WINDOW_BYTES = 1 << 20;
  /** The unit a disk writes whole or not at all: 512 bytes on every disk, 4 KiB on many. */
  private static final int SECTOR_BYTES = 512;

  /**
   * What a scan found.
   *
   * @param segment the segment holding every good record, open for writing; null when even the header is
   *     incomplete
   * @param damageOffset where the first unusable record starts, or -1 when the whole file is good
   * @param problem what is wrong there
   * @param torn whether the damage could be an interrupted write
   * @param intactRecordFollows whether an intact record of a later entry lies after the damage
   * @param writtenWhole whether the damaged record was written to its end: then it is not an interrupted
   *     write but damage done after it, and it may have been forced and acknowledged
   */
  record Result(@Nullable LogSegment segment, long damageOffset, String problem, boolean torn,
      boolean intactRecordFollows, boolean writtenWhole) {}

  private final Path path;
  private final FileChannel channel;
  private final long fileSize;
  private final CRC32C crc = new CRC32C();
  private ByteBuffer window = ByteBuffer.allocate(0);
  private long windowStart;

  private SegmentScanner(Path path, FileChannel channel) throws IOException {
    this.path = path;
    this.channel = channel;
    this.fileSize = channel.size();
  }

  /**
   * Scans a segment file.
   *
   * @throws CorruptLogException if the header is complete but wrong: that is never a torn write
   */
  static Result scan(Path path, long firstIndex) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      return new SegmentScanner(path, channel).scan(firstIndex);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private Result scan(long firstIndex) throws IOException {
    if (fileSize < LogSegment.HEADER_BYTES) {
      channel.close();
      return new Result(null, 0, "incomplete segment header (" + fileSize + " of " + LogSegment.HEADER_BYTES
          + " bytes)", true, false, false);
    }
    ByteBuffer header = view(0, LogSegment.HEADER_BYTES);
    if (!header.equals(LogSegment.header(firstIndex))) {
      throw new CorruptLogException(path, 0, "segment header is not that of a Polis log segment starting at"
          + " entry " + firstIndex);
    }
    long[] offsets = new long[1024];
    long[] terms = new long[1024];
    List<Long> configurationIndexes = new ArrayList<>();
    int count = 0;
    long offset = LogSegment.HEADER_BYTES;
    long expected = firstIndex;
    while (offset < fileSize) {
      if (zerosFrom(offset)) {
        break; // written ahead of the records (FileStorageConfig.preallocateBytes), so not damage
      }
      int at = intactRecordAt(offset, expected);
      long term;
      int recordBytes;
      boolean configuration;
      if (at >= 0) {
        term = window.getLong(at + LogRecordCodec.HEADER_BYTES);
        recordBytes = LogRecordCodec.HEADER_BYTES + window.getInt(at);
        configuration = window.get(at + LogRecordCodec.HEADER_BYTES + 16) == EntryKind.CONFIGURATION.code();
      } else {
        // Not an intact record: decoding says what is wrong (and agrees, having made the same checks).
        LogRecordCodec.Decoded decoded = decodeAt(offset, expected);
        if (decoded.entry() == null) {
          boolean follows = intactRecordAfter(offset, expected);
          LogSegment good = new LogSegment(path, firstIndex, channel, offsets, terms, configurationIndexes, count,
              offset, fileSize);
          return new Result(good, offset, decoded.problem(), decoded.torn(), follows,
              decoded.torn() && writtenWhole(offset, expected));
        }
        term = decoded.entry().term();
        recordBytes = LogRecordCodec.recordBytes(decoded.entry());
        configuration = decoded.entry().kind() == EntryKind.CONFIGURATION;
      }
      if (count == offsets.length) {
        offsets = Arrays.copyOf(offsets, count * 2);
        terms = Arrays.copyOf(terms, count * 2);
      }
      offsets[count] = offset;
      terms[count] = term;
      if (configuration) {
        configurationIndexes.add(expected);
      }
      count++;
      offset += recordBytes;
      expected++;
    }
    return new Result(new LogSegment(path, firstIndex, channel, offsets, terms, configurationIndexes, count, offset,
        fileSize), -1, "", false, false, false);
  }

  /**
   * Tells whether the file holds only zeros from {@code offset} to its end, at least a record length's worth:
   * fewer bytes are a torn length, reported as before preallocation.
   */
  private boolean zerosFrom(long offset) throws IOException {
    if (fileSize - offset < 4 || window.getInt(windowPosition(offset, 4)) != 0) {
      return false; // the usual answer: a record's length is never 0
    }
    for (long at = offset; at < fileSize; ) {
      int length = (int) Math.min(WINDOW_BYTES, fileSize - at);
      int from = windowPosition(at, length);
      for (int i = from; i < from + length; i++) {
        if (window.get(i) != 0) {
          return false;
        }
      }
      at += length;
    }
    return true;
  }

  /**
   * Returns where in the window the intact record of entry {@code expectedIndex} at {@code offset} starts,
   * or -1 when there is none. The common case at open, so it checks in place: no slice, no copy of the
   * data, no entry built (that made the scan about twice as slow as reading the file).
   */
  private int intactRecordAt(long offset, long expectedIndex) throws IOException {
    long available = fileSize - offset;
    if (available < LogRecordCodec.HEADER_BYTES) {
      return -1;
    }
    int bodyLength = window.getInt(windowPosition(offset, LogRecordCodec.HEADER_BYTES));
    if (bodyLength < LogRecordCodec.BODY_FIXED_BYTES || bodyLength > available - LogRecordCodec.HEADER_BYTES) {
      return -1;
    }
    int at = windowPosition(offset, LogRecordCodec.HEADER_BYTES + bodyLength);
    return LogRecordCodec.isIntact(window, at, expectedIndex, crc) ? at : -1;
  }

  /** Decodes the record at {@code offset}, giving the codec every byte of it the file holds. */
  private LogRecordCodec.Decoded decodeAt(long offset, long expectedIndex) throws IOException {
    long available = fileSize - offset;
    if (available < LogRecordCodec.HEADER_BYTES) {
      return LogRecordCodec.Decoded.failed("incomplete record header (" + available + " of "
          + LogRecordCodec.HEADER_BYTES + " bytes)", true);
    }
    int bodyLength = view(offset, LogRecordCodec.HEADER_BYTES).getInt();
    long wanted = LogRecordCodec.HEADER_BYTES + (long) Math.max(bodyLength, 0);
    return LogRecordCodec.decode(view(offset, (int) Math.min(wanted, available)), expectedIndex);
  }

  /**
   * Tells whether the damaged record at {@code offset} was written to its end. A crash interrupts a write
   * at some point and leaves part of the record: the file ends inside it, or some of the disk sectors it
   * spans never received it ({@link #hasUnwrittenSector}). The record was whole if its length fits in the
   * file and each of its sectors holds some of it (then its checksum failed on bytes that were all
   * written), or if one flipped bit in its length explains the damage: with that bit restored the record
   * checks out.
   */
  private boolean writtenWhole(long offset, long expectedIndex) throws IOException {
    long available = fileSize - offset - LogRecordCodec.HEADER_BYTES;
    if (available < LogRecordCodec.BODY_FIXED_BYTES) {
      return false;
    }
    int bodyLength = view(offset, LogRecordCodec.HEADER_BYTES).getInt(0);
    if (bodyLength >= LogRecordCodec.BODY_FIXED_BYTES && bodyLength <= available) {
      return !hasUnwrittenSector(offset, LogRecordCodec.HEADER_BYTES + bodyLength);
    }
    for (int bit = 0; bit < Integer.SIZE; bit++) {
      int candidate = bodyLength ^ (1 << bit);
      if (candidate >= LogRecordCodec.BODY_FIXED_BYTES && candidate <= available) {
        ByteBuffer record = ByteBuffer.allocate(LogRecordCodec.HEADER_BYTES + candidate);
        record.put(view(offset, record.capacity())).putInt(0, candidate);
        if (LogRecordCodec.isIntact(record.clear(), 0, expectedIndex, crc)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Tells whether the part of the record at {@code offset} that lies in some disk sector holds only zeros.
   * A disk writes a sector whole or not at all, and a crash may keep any of the sectors a write spans; a
   * sector it did not keep reads as what the file held there before, which is zeros: bytes written ahead
   * ({@link FileStorageConfig#preallocateBytes()}) or past the file's old end. So such a part is the mark
   * of a write cut short. The part holding the length is never zeros here (that record would end the
   * log). A record whose own data fills such a part with zeros and which also lost a bit elsewhere would
   * be taken for a cut-short write: the checksum cannot tell those apart, and the sector rule is what
   * lets a store that writes ahead tell an interrupted write from a damaged one at all.
   */
  private boolean hasUnwrittenSector(long offset, int recordBytes) throws IOException {
    ByteBuffer record = view(offset, recordBytes);
    for (int from = 0; from < recordBytes; ) {
      int to = (int) Math.min(recordBytes, ((offset + from) / SECTOR_BYTES + 1) * SECTOR_BYTES - offset);
      boolean zeros = true;
      for (int i = from; i < to && zeros; i++) {
        zeros = record.get(i) == 0;
      }
      if (zeros) {
        return true;
      }
      from = to;
    }
    return false;
  }

  /**
   * Looks for an intact record of a later entry anywhere after damage at {@code damageOffset}: if there is
   * one, the damage is not an interrupted last write. Candidates are filtered on a plausible length and
   * index before their checksum is computed, so this stays a linear pass.
   */
  private boolean intactRecordAfter(long damageOffset, long expectedIndex) throws IOException {
    long maxIndex = expectedIndex + (fileSize - damageOffset) / LogRecordCodec.OVERHEAD;
    for (long p = damageOffset + 1; p + LogRecordCodec.OVERHEAD <= fileSize; p++) {
      ByteBuffer head = view(p, LogRecordCodec.OVERHEAD);
      int bodyLength = head.getInt(0);
      long index = head.getLong(LogRecordCodec.HEADER_BYTES + 8);
      if (bodyLength < LogRecordCodec.BODY_FIXED_BYTES || bodyLength > fileSize - p - LogRecordCodec.HEADER_BYTES
          || index < expectedIndex || index > maxIndex) {
        continue;
      }
      if (LogRecordCodec.decode(view(p, LogRecordCodec.HEADER_BYTES + bodyLength), index).entry() != null) {
        return true;
      }
    }
    return false;
  }

  /** Returns bytes {@code [offset, offset + length)} of the file, all of which exist, as a buffer from 0. */
  private ByteBuffer view(long offset, int length) throws IOException {
    int from = windowPosition(offset, length);
    return window.duplicate().position(from).limit(from + length).slice();
  }

  /** Loads bytes {@code [offset, offset + length)} of the file, all of which exist; returns where they start. */
  private int windowPosition(long offset, int length) throws IOException {
    if (offset < windowStart || offset + length > windowStart + window.limit()) {
      if (window.capacity() < length || window.capacity() < WINDOW_BYTES) {
        window = ByteBuffer.allocate(Math.max(length, WINDOW_BYTES));
      }
      window.clear();
      window.limit((int) Math.min(window.capacity(), fileSize - offset));
      while (window.hasRemaining()) {
        if (channel.read(window, offset + window.position()) < 0) {
          throw new CorruptLogException(path, offset + window.position(), "file shrank while it was read");
        }
      }
      window.flip();
      windowStart = offset;
    }
    return (int) (offset - windowStart);
  }
}
