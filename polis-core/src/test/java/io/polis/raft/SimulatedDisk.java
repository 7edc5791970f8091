package io.polis.raft;

import io.polis.time.Clock;
import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A disk for the simulator under the real {@link FileRaftStorage}: it remembers, per segment file, how
 * many bytes a force made durable, and on a simulated machine crash takes back what was never forced.
 * Test code only; the factory is public so that the simulator in {@code io.polis.runtime.sim} can use it.
 *
 * <p><b>What a crash does.</b> The store is abandoned without a force ({@link FileRaftStorage#abandon()}),
 * then each segment is cut to its durable length, or, with {@link Options#keepUnsynced()}, to a random
 * point in its unforced tail (the page cache may have written some of it back, tearing a record midway).
 * With {@link Options#tornWrites()} a crash may also leave the trace of a write that was in flight and so
 * never acknowledged: a record cut short after the last one, a new segment with half a header, or the
 * temporary file of a hard-state replacement that was never renamed. Crashes fall between simulated tasks,
 * and a save's write and its force happen in one task, so anything beyond that would take back a write
 * the store had already reported durable. A leader's {@link FileRaftStorage#write} and its
 * {@link FileRaftStorage#force()} are separate tasks: a crash between them takes back entries the leader
 * never counted.
 *
 * <p><b>Simplifications.</b> Hard-state and compaction files are replaced by a forced rename, so they are
 * left alone: old or new, they are whole, and at task granularity they are always new. Deletions and
 * truncations are taken as durable at once: a truncation that a crash undoes would only bring back
 * entries, which is the gentler failure, so the disk errs towards losing less than a real one could.
 */
public final class SimulatedDisk {

  /**
   * How hostile the disk is.
   *
   * @param keepUnsynced whether a crash may keep part of an unforced tail instead of dropping all of it
   * @param tornWrites whether a crash may leave the partial trace of an unacknowledged write
   */
  public record Options(boolean keepUnsynced, boolean tornWrites) {}

  /**
   * Where {@link #flipBit} flipped a bit.
   *
   * @param file the segment file
   * @param recordOffset where the damaged record starts
   * @param tail whether it is the last record of the log
   */
  public record Flip(Path file, long recordOffset, boolean tail) {}

  /** A file's identity (its inode) and how many of its bytes are durable. */
  private record Durable(@Nullable Object fileKey, long length) {}

  private final RandomGenerator random;
  private final Options options;
  private final Map<Path, Durable> durable = new HashMap<>();
  private long forces;
  private long droppedBytes;
  private long tornWrites;

  /**
   * Creates a disk.
   *
   * @param random decides what each crash keeps; seeded by the simulation
   * @param options how hostile the disk is
   */
  public SimulatedDisk(RandomGenerator random, Options options) {
    this.random = Objects.requireNonNull(random, "random");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Opens a store whose every force goes to this disk, which records it and forces nothing for real.
   *
   * @param directory the data directory
   * @param config the store's settings
   * @param clock the simulation's clock
   * @return the open store
   * @throws CorruptLogException if the directory's log cannot be trusted
   */
  public FileRaftStorage open(Path directory, FileStorageConfig config, Clock clock) {
    // No zeros written ahead (the store's default writes 1 MiB ahead): this disk knows what is durable by
    // each file's size at its last force, and zeros written ahead would count as durable the records later
    // written into them. Torn writes into such zeros are covered by FileRaftStorageRecoveryTest.
    FileStorageConfig growing = new FileStorageConfig(config.segmentBytes(), config.syncPolicy(),
        config.syncInterval(), config.cacheBytes(), 0);
    return FileRaftStorage.open(directory, growing, clock, this::recordForce);
  }

  /**
   * Crashes the machine under a store: abandons it unforced, then takes back what was never forced.
   *
   * @param storage a store opened by {@link #open}; unusable afterwards
   */
  public void crash(FileRaftStorage storage) {
    storage.abandon();
    Path directory = storage.directory();
    try {
      TreeMap<Long, Path> segments = segments(directory);
      boolean lastUnforced = false;
      for (Path file : segments.values()) {
        lastUnforced = loseUnforcedTail(file);
      }
      if (options.tornWrites()) {
        leaveInFlightWrite(directory, segments, lastUnforced);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot simulate a crash in " + directory, e);
    }
  }

  /**
   * Flips one random bit of one record, as a failing disk would, while no store has the directory open.
   *
   * @param directory the data directory
   * @param tail whether to damage the last record of the log, or one before it
   * @return where the damage is, or null if the log holds no such record
   */
  public @Nullable Flip flipBit(Path directory, boolean tail) {
    try {
      List<Flip> records = new ArrayList<>();
      TreeMap<Long, Path> segments = segments(directory);
      for (Path file : segments.values()) {
        for (long offset : recordOffsets(file)) {
          records.add(new Flip(file, offset, false));
        }
      }
      Path lastFile = segments.isEmpty() ? null : segments.lastEntry().getValue();
      // The tail is the last record of the last segment; an empty last segment means there is none.
      boolean hasTail = !records.isEmpty() && records.get(records.size() - 1).file().equals(lastFile);
      if (tail ? !hasTail : records.size() < (hasTail ? 2 : 1)) {
        return null;
      }
      Flip target = tail ? records.get(records.size() - 1)
          : records.get(random.nextInt(records.size() - (hasTail ? 1 : 0)));
      long length = recordLength(target.file(), target.recordOffset());
      long at = target.recordOffset() + random.nextLong(length);
      try (FileChannel channel = FileChannel.open(target.file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer one = ByteBuffer.allocate(1);
        channel.read(one, at);
        one.put(0, (byte) (one.get(0) ^ (1 << random.nextInt(8)))).rewind();
        channel.write(one, at);
      }
      return new Flip(target.file(), target.recordOffset(), tail);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot flip a bit in " + directory, e);
    }
  }

  /**
   * Reads the lost entry a store recorded in a directory's hard-state file: what a restart would find,
   * whatever the member's core has decided since.
   *
   * @param directory the data directory
   * @return the lost entry on disk, or null
   */
  public static HardState.@Nullable LostEntry lostEntryOnDisk(Path directory) {
    try {
      return new HardStateFile(directory).read().map(HardState::lostEntry).orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the hard state in " + directory, e);
    }
  }

  /** Forces recorded so far. @return the count */
  public long forces() {
    return forces;
  }

  /** Unforced bytes that crashes took back. @return the count */
  public long droppedBytes() {
    return droppedBytes;
  }

  /** Partial writes that crashes left behind. @return the count */
  public long tornWrites() {
    return tornWrites;
  }

  private void recordForce(Path file, FileChannel channel, boolean metadata) throws IOException {
    forces++;
    durable.put(file.toAbsolutePath().normalize(), new Durable(fileKey(file), channel.size()));
  }

  /** Returns whether the file had bytes never forced. */
  private boolean loseUnforcedTail(Path file) throws IOException {
    Durable known = durable.get(file.toAbsolutePath().normalize());
    // A file recreated under the same name since its last force has nothing durable yet.
    long durableLength = known != null && Objects.equals(known.fileKey(), fileKey(file)) ? known.length() : 0;
    long size = Files.size(file);
    if (size <= durableLength) {
      return false;
    }
    long keep = durableLength;
    if (options.keepUnsynced() && random.nextBoolean()) {
      keep += random.nextLong(size - durableLength + 1);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(keep);
    }
    droppedBytes += size - keep;
    return true;
  }

  /**
   * @param lastUnforced whether the last segment had writes never forced: then no write was starting a new
   *     segment, since the store forces a segment's writes before it starts the next one
   */
  private void leaveInFlightWrite(Path directory, TreeMap<Long, Path> segments, boolean lastUnforced)
      throws IOException {
    int kind = random.nextInt(6);
    if (kind == 0 || segments.isEmpty()) {
      // A hard state being replaced: the temporary file was written but never renamed.
      byte[] junk = new byte[random.nextInt(40)];
      random.nextBytes(junk);
      Files.write(directory.resolve(HardStateFile.FILE_NAME + MetadataFile.TEMP_SUFFIX), junk);
    } else if (kind == 1 && !lastUnforced && !recordOffsets(segments.lastEntry().getValue()).isEmpty()) {
      // A save that was starting a segment: the header cut short.
      long next = segments.lastKey() + recordOffsets(segments.lastEntry().getValue()).size();
      Files.write(directory.resolve(LogSegment.fileName(next)), new byte[random.nextInt(LogSegment.HEADER_BYTES)]);
    } else if (kind <= 3) { // also kind 1 when the last segment is empty (a new one would take its name) or unforced
      // A save cut short: the start of a record of the next entry.
      Path last = segments.lastEntry().getValue();
      long index = segments.lastKey() + recordOffsets(last).size();
      byte[] data = new byte[random.nextInt(1, 64)];
      random.nextBytes(data);
      ByteBuffer record = ByteBuffer.allocate(LogRecordCodec.OVERHEAD + data.length);
      LogRecordCodec.encode(new LogEntry(1 + random.nextInt(10), index, EntryKind.COMMAND, data), record);
      append(last, ByteBuffer.wrap(record.array(), 0, random.nextInt(1, record.capacity())));
    } else {
      // Sectors of a save that were never written read back as zeros or as whatever was there before.
      byte[] junk = new byte[random.nextInt(1, 64)];
      if (kind == 4) {
        random.nextBytes(junk);
      }
      append(segments.lastEntry().getValue(), ByteBuffer.wrap(junk));
    }
    tornWrites++;
  }

  private static void append(Path file, ByteBuffer bytes) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    }
  }

  private static TreeMap<Long, Path> segments(Path directory) throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path path : stream) {
        LogSegment.parseFirstIndex(path.getFileName().toString()).ifPresent(first -> files.put(first, path));
      }
    }
    return files;
  }

  /** Offsets of the records of a segment up to the first one that is not whole and intact. */
  static List<Long> recordOffsets(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<Long> offsets = new ArrayList<>();
    if (bytes.length < LogSegment.HEADER_BYTES) {
      return offsets;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long index = buffer.getLong(8);
    int at = LogSegment.HEADER_BYTES;
    while (bytes.length - at >= LogRecordCodec.HEADER_BYTES) {
      LogRecordCodec.Decoded decoded = LogRecordCodec.decode(buffer.position(at), index);
      if (decoded.entry() == null) {
        break;
      }
      offsets.add((long) at);
      at = buffer.position();
      index++;
    }
    return offsets;
  }

  private static long recordLength(Path file, long offset) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer length = ByteBuffer.allocate(4);
      channel.read(length, offset);
      return LogRecordCodec.HEADER_BYTES + (long) length.getInt(0);
    }
  }

  private static @Nullable Object fileKey(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
  }
}
