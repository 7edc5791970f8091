package io.polis.raft;

import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One segment file of the log: a header, then records of consecutive entries starting at the index in
 * its name. The offset and term of each entry are kept in memory, so a term costs no I/O and a range of
 * entries costs one read.
 *
 * <p>Header: magic "PLOG" (4 bytes), format version (4), first index (8), big-endian.
 *
 * <p>The file may go on past the last record with zeros written ahead of time (see
 * {@link FileStorageConfig#preallocateBytes()}); a record never has a zero length, so the first one marks
 * the end.
 */
final class LogSegment {

  static final int MAGIC = 0x504c4f47;
  static final int VERSION = 1;
  static final int HEADER_BYTES = 16;
  private static final Pattern NAME = Pattern.compile("log-(\\d{20})\\.seg");
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10).asReadOnlyBuffer();

  private final Path path;
  private final long firstIndex;
  private final FileChannel channel;
  private long[] offsets;
  private long[] terms;
  /** Where the configuration entries are: they are few, and the core reads them, and only them, at start. */
  private final List<Long> configurationIndexes;
  private int count;
  /** Where the records end. */
  private long size;
  /** Where the file ends: {@link #size} or beyond, when zeros were written ahead. */
  private long allocated;

  LogSegment(Path path, long firstIndex, FileChannel channel, long[] offsets, long[] terms,
      List<Long> configurationIndexes, int count, long size, long allocated) {
    this.configurationIndexes = new ArrayList<>(configurationIndexes);
    this.path = path;
    this.firstIndex = firstIndex;
    this.channel = channel;
    this.offsets = offsets;
    this.terms = terms;
    this.count = count;
    this.size = size;
    this.allocated = allocated;
  }

  static String fileName(long firstIndex) {
    return String.format("log-%020d.seg", firstIndex);
  }

  /** Returns the first index named by a segment file's name, or empty for any other file. */
  static OptionalLong parseFirstIndex(String fileName) {
    Matcher m = NAME.matcher(fileName);
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  static ByteBuffer header(long firstIndex) {
    return ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(VERSION).putLong(firstIndex).flip();
  }

  /** Creates a new, empty segment; the caller forces it and the directory. */
  static LogSegment create(Path directory, long firstIndex) throws IOException {
    Path path = directory.resolve(fileName(firstIndex));
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      writeFully(channel, header(firstIndex), 0);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return new LogSegment(path, firstIndex, channel, new long[64], new long[64], List.of(), 0, HEADER_BYTES,
        HEADER_BYTES);
  }

  Path path() {
    return path;
  }

  long firstIndex() {
    return firstIndex;
  }

  long lastIndex() {
    return firstIndex + count - 1;
  }

  boolean isEmpty() {
    return count == 0;
  }

  long size() {
    return size;
  }

  List<Long> configurationIndexes() {
    return configurationIndexes;
  }

  long term(long index) {
    return terms[slot(index)];
  }

  /** Bytes of the record at {@code index}. */
  long recordBytes(long index) {
    int slot = slot(index);
    return (slot + 1 < count ? offsets[slot + 1] : size) - offsets[slot];
  }

  /**
   * Appends the entries, which follow {@link #lastIndex()}, with one write; first, if they would pass the end
   * of the file, writes {@code preallocateBytes} of zeros beyond them.
   */
  void append(List<LogEntry> entries, int totalBytes, long preallocateBytes) throws IOException {
    long end = size + totalBytes;
    if (end > allocated && preallocateBytes > 0) {
      // Zeros before the records: a crash between the two leaves a zero tail, which is the end of the log.
      long target = end + preallocateBytes;
      for (long at = allocated; at < target; ) {
        at += channel.write(ZEROS.duplicate().limit((int) Math.min(ZEROS.capacity(), target - at)), at);
      }
      allocated = target;
    }
    ByteBuffer buffer = ByteBuffer.allocate(totalBytes);
    long[] newOffsets = new long[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      newOffsets[i] = size + buffer.position();
      LogRecordCodec.encode(entries.get(i), buffer);
    }
    writeFully(channel, buffer.flip(), size);
    // The index grows only once the bytes are written, so a failed write leaves it describing the file.
    ensureCapacity(count + entries.size());
    for (int i = 0; i < entries.size(); i++) {
      offsets[count + i] = newOffsets[i];
      terms[count + i] = entries.get(i).term();
      if (entries.get(i).kind() == EntryKind.CONFIGURATION) {
        configurationIndexes.add(entries.get(i).index());
      }
    }
    count += entries.size();
    size = end;
    allocated = Math.max(allocated, end);
  }

  /** Reads entries {@code [from, toExclusive)}, all in this segment, with one read. */
  List<LogEntry> read(long from, long toExclusive) throws IOException {
    long start = offsets[slot(from)];
    long end = toExclusive - 1 == lastIndex() ? size : offsets[slot(toExclusive)];
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(end - start));
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, start + buffer.position()) < 0) {
        throw new CorruptLogException(path, start + buffer.position(), "file ends before its last record");
      }
    }
    buffer.flip();
    List<LogEntry> entries = new ArrayList<>((int) (toExclusive - from));
    for (long index = from; index < toExclusive; index++) {
      int at = buffer.position();
      LogRecordCodec.Decoded decoded = LogRecordCodec.decode(buffer, index);
      if (decoded.entry() == null) {
        throw new CorruptLogException(path, start + at, "record of entry " + index + " damaged since the log was"
            + " opened (" + decoded.problem() + ")");
      }
      entries.add(decoded.entry());
    }
    return entries;
  }

  /** Drops the entries at and after {@code index}, which is in {@code [firstIndex, lastIndex + 1]}. */
  void truncateFrom(long index) throws IOException {
    long newSize = index > lastIndex() ? size : offsets[slot(index)];
    channel.truncate(newSize);
    configurationIndexes.removeIf(i -> i >= index);
    count = (int) (index - firstIndex);
    size = newSize;
    allocated = newSize;
  }

  void force(Syncer syncer) throws IOException {
    syncer.force(path, channel, false);
  }

  void close() throws IOException {
    channel.close();
  }

  void delete() throws IOException {
    channel.close();
    Files.deleteIfExists(path);
  }

  private int slot(long index) {
    long slot = index - firstIndex;
    if (slot < 0 || slot >= count) {
      throw new IndexOutOfBoundsException("entry " + index + " is not in segment " + path.getFileName());
    }
    return (int) slot;
  }

  private void ensureCapacity(int needed) {
    if (needed > offsets.length) {
      int capacity = Math.max(needed, offsets.length * 2);
      offsets = Arrays.copyOf(offsets, capacity);
      terms = Arrays.copyOf(terms, capacity);
    }
  }

  static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  @Override
  public String toString() {
    return path.getFileName() + "[" + firstIndex + ".." + lastIndex() + "]";
  }
}
