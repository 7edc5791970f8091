package io.polis.raft;

import io.polis.time.Clock;
import io.polis.wire.LogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RaftStorage} in a data directory: a segmented append-only log, a hard-state file and a lock.
 *
 * <p><b>On disk.</b> Segment files {@code log-<first index, 20 digits>.seg} hold a 16-byte header (magic,
 * version, first index) and one record per entry: body length, CRC32C of the body, then term, index,
 * kind and data; after the last record, zeros may have been written ahead
 * ({@link FileStorageConfig#preallocateBytes()}), so that a save forces data only, not a new file size.
 * {@code hard-state} and {@code compaction} are small checksummed files replaced atomically (write a
 * temporary file, force, rename, force the directory). {@code lock} keeps other stores out while this one
 * is open.
 *
 * <p><b>Saves.</b> One {@link #save} writes all its entries with one write and forces at most once (group
 * commit; the driver already gathers concurrent proposals into one save). A hard state that changes the
 * term or the vote is written and forced first, whatever the {@link FileStorageConfig.SyncPolicy}: a vote
 * forgotten in a crash lets the member vote twice in a term. A hard state that changes only the commit
 * index is kept in memory and written at most every {@link FileStorageConfig#syncInterval()} (and by
 * {@link #sync()} and {@link #close()}): Raft does not need the commit index durable (it is volatile state
 * in the paper's Figure 2), the saved one only lets a restart apply sooner, and forcing it on every save
 * would triple the forces.
 *
 * <p><b>Reads.</b> Terms come from an in-memory index of every segment; entries from a cache of the newest
 * {@link FileStorageConfig#cacheBytes()} or else with one read per segment spanned, checksums verified.
 *
 * <p><b>Open.</b> Every record is checked. A torn write at the end of the last segment is cut off with a
 * warning naming the file and offset; any other damage fails the open with a {@link CorruptLogException}.
 *
 * <p><b>Failure.</b> After an I/O failure the store refuses every further call but {@link #close()}: once
 * a force has failed, the operating system may have dropped the written pages, so retrying could
 * acknowledge entries that are not on the disk. Reopen to recover from what the disk holds.
 *
 * <p><b>Writes forced in the background.</b> {@link #write} appends like {@link #save} but leaves the
 * force to {@link #force()}, which may run on another thread while the driver goes on writing: the
 * leader's own force then stops holding up its driver (see {@link RaftStorage}). Any other change, and a
 * save's own force, first waits for a running {@link #force()} to end.
 *
 * <p>Like every {@link RaftStorage}, one thread uses it, except for {@link #force()}.
 */
public final class FileRaftStorage implements RaftStorage {

  private static final Logger log = LoggerFactory.getLogger(FileRaftStorage.class);

  private final Path directory;
  private final Syncer syncer;
  private final DirectoryLock lock;
  private final CompactionFile compactionFile;
  private final SegmentedLog segments;
  private final EntryCache cache;
  private final Durability durability;
  private long firstIndex;
  private long compactedTerm;
  /** Volatile, as {@link #failure}: {@link #force()} may run on another thread. */
  private volatile boolean closed;
  private volatile @Nullable IOException failure;

  private FileRaftStorage(Path directory, FileStorageConfig config, Clock clock, Syncer syncer, DirectoryLock lock,
      SegmentedLog segments, HardState hardState, CompactionFile.@Nullable Mark compaction) {
    this.directory = directory;
    this.syncer = syncer;
    this.lock = lock;
    this.compactionFile = new CompactionFile(directory);
    this.segments = segments;
    this.cache = new EntryCache(config.cacheBytes());
    this.durability = new Durability(config, clock, syncer, segments, new HardStateFile(directory), hardState);
    this.firstIndex = compaction == null ? 1 : compaction.index() + 1;
    this.compactedTerm = compaction == null ? 0 : compaction.term();
  }

  /**
   * Opens (creating if needed) a store with the default settings and the system clock.
   *
   * @param directory the data directory; created if missing
   * @return the open store
   * @throws CorruptLogException if the directory holds a log that cannot be trusted
   * @throws UncheckedIOException if another store holds the directory, or on an I/O failure
   */
  public static FileRaftStorage open(Path directory) {
    return open(directory, FileStorageConfig.defaults(), Clock.system());
  }

  /**
   * Opens (creating if needed) a store, recovering what a previous run saved.
   *
   * @param directory the data directory; created if missing
   * @param config the settings
   * @param clock decides when an {@link FileStorageConfig.SyncPolicy#INTERVAL} force is due
   * @return the open store
   * @throws CorruptLogException if the directory holds a log that cannot be trusted
   * @throws UncheckedIOException if another store holds the directory, or on an I/O failure
   */
  public static FileRaftStorage open(Path directory, FileStorageConfig config, Clock clock) {
    return open(directory, config, clock, Syncer.FORCE);
  }

  static FileRaftStorage open(Path directory, FileStorageConfig config, Clock clock, Syncer syncer) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + directory, e);
    }
    DirectoryLock lock = DirectoryLock.acquire(directory);
    try {
      return recover(directory, config, clock, syncer, lock);
    } catch (IOException | RuntimeException e) {
      try {
        lock.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot open the Raft log in " + directory, io);
      }
      throw (RuntimeException) e;
    }
  }

  private static FileRaftStorage recover(Path directory, FileStorageConfig config, Clock clock, Syncer syncer,
      DirectoryLock lock) throws IOException {
    HardStateFile hardStateFile = new HardStateFile(directory);
    CompactionFile compactionFile = new CompactionFile(directory);
    if (hardStateFile.deleteLeftover() | compactionFile.deleteLeftover()) {
      log.info("{}: deleted a temporary file left by an interrupted write; the file it was replacing is whole",
          directory);
    }
    CompactionFile.Mark compaction = compactionFile.read().orElse(null);
    AtomicReference<@Nullable HardState> read = new AtomicReference<>(hardStateFile.read().orElse(null));
    SegmentedLog segments = LogRecovery.recover(directory, compaction, config, syncer, lostIndex -> {
      HardState before = read.get();
      if (before != null) { // without a hard state the open fails below: there is nothing to record in
        HardState after = before.withLostEntry(new HardState.LostEntry(lostIndex, before.term()));
        hardStateFile.write(after, syncer);
        read.set(after);
      }
    });
    HardState hardState = read.get();
    try {
      if (hardState == null) {
        if (segments.hasSegments() || compaction != null) {
          throw new CorruptLogException(hardStateFile.path(), 0, "the hard-state file is missing although the log"
              + " holds entries");
        }
        // Written at creation, so that from now on a missing file means a damaged directory.
        hardState = HardState.EMPTY;
        hardStateFile.write(hardState, syncer);
      }
      FileRaftStorage storage = new FileRaftStorage(directory, config, clock, syncer, lock, segments, hardState,
          compaction);
      log.info("{}: opened the Raft log, entries [{}, {}] in {} segments, term {}, commit {}", directory,
          storage.firstIndex, segments.lastIndex(), segments.segmentCount(), hardState.term(), hardState.commit());
      return storage;
    } catch (IOException | RuntimeException e) {
      segments.close();
      throw e;
    }
  }

  @Override
  public HardState hardState() {
    checkUsable();
    return durability.hardState();
  }

  @Override
  public long firstIndex() {
    checkUsable();
    return firstIndex;
  }

  @Override
  public long lastIndex() {
    checkUsable();
    return segments.lastIndex();
  }

  @Override
  public long term(long index) {
    checkUsable();
    checkRange(index, index + 1, firstIndex - 1);
    return index == firstIndex - 1 ? compactedTerm : segments.term(index);
  }

  @Override
  public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
    checkUsable();
    checkRange(from, toExclusive, firstIndex);
    // Entry sizes are known from the index, so the range is cut to maxBytes before anything is read.
    long end = from;
    long bytes = 0;
    while (end < toExclusive) {
      bytes += segments.entrySize(end);
      if (end > from && bytes > maxBytes) {
        break;
      }
      end++;
    }
    long cachedFrom = Math.max(from, Math.min(end, cache.firstIndex()));
    List<LogEntry> out = new ArrayList<>((int) (end - from));
    try {
      if (from < cachedFrom) {
        out.addAll(segments.read(from, cachedFrom));
      }
    } catch (CorruptLogException e) {
      // Damaged since the open: nothing read from this log can be trusted any more.
      fail(e.getCause(), e.getMessage());
      throw e;
    } catch (IOException e) {
      throw fail(e, "cannot read entries [" + from + ", " + cachedFrom + ") of the Raft log in " + directory);
    }
    for (long index = cachedFrom; index < end; index++) {
      out.add(Objects.requireNonNull(cache.get(index)));
    }
    return out;
  }

  /** Reads only the entries that the open's scan and later saves marked as configurations. */
  @Override
  public List<LogEntry> configurationEntries() {
    List<LogEntry> out = new ArrayList<>();
    for (long index : segments.configurationIndexes(firstIndex)) {
      out.addAll(entries(index, index + 1, Long.MAX_VALUE));
    }
    return out;
  }

  @Override
  public void save(@Nullable HardState newState, List<LogEntry> entries) {
    checkUsable();
    checkAppendable(Objects.requireNonNull(entries, "entries"));
    try {
      if (newState != null) {
        // Before the entries: a crash between the two then leaves a term that is new, never entries of a
        // term the hard state has not reached.
        durability.saveHardState(newState);
      }
      if (!entries.isEmpty()) {
        long first = entries.get(0).index();
        if (first <= segments.lastIndex()) {
          segments.truncateFrom(first);
          cache.truncateFrom(first);
        }
        segments.append(entries);
        cache.append(entries);
      }
      durability.afterSave();
    } catch (IOException e) {
      throw fail(e, "cannot save to the Raft log in " + directory);
    }
  }

  /**
   * Appends like {@link #save}, but leaves the force of the entries to {@link #force()}: a hard state that
   * changes the term or the vote is still written and forced first. Entries that would replace stored ones
   * are saved as {@link #save} saves them (forced now); a leader never replaces its own.
   */
  @Override
  public boolean write(@Nullable HardState newState, List<LogEntry> entries) {
    checkUsable();
    checkAppendable(Objects.requireNonNull(entries, "entries"));
    if (!entries.isEmpty() && entries.get(0).index() <= segments.lastIndex()) {
      save(newState, entries);
      return false;
    }
    try {
      if (newState != null) {
        durability.saveHardState(newState); // before the entries, as in save()
      }
      if (!entries.isEmpty()) {
        segments.append(entries);
        cache.append(entries);
      }
      return durability.afterWrite();
    } catch (IOException e) {
      throw fail(e, "cannot write to the Raft log in " + directory);
    }
  }

  /**
   * Forces what {@link #write} left unforced; may run on a thread other than the driver's, one at a time,
   * while the driver writes on.
   *
   * @throws IllegalStateException if the store was closed
   * @throws UncheckedIOException on an I/O failure; the store then refuses further use
   */
  @Override
  public void force() {
    checkUsable();
    try {
      segments.forceWritten();
    } catch (IOException e) {
      throw fail(e, "cannot force the Raft log in " + directory);
    }
  }

  @Override
  public void syncDue() {
    checkUsable();
    try {
      durability.due();
    } catch (IOException e) {
      throw fail(e, "cannot force the Raft log in " + directory);
    }
  }

  /**
   * Forces everything written so far, including a hard state whose only change was its commit index.
   * Under {@link FileStorageConfig.SyncPolicy#INTERVAL} the driver's tick calls {@link #syncDue()}, which
   * forces once the interval has passed, since the store has no thread of its own and a save forces only
   * when the last force is older than the interval: without it, the last entries before a quiet spell
   * would wait for the next save.
   *
   * @throws UncheckedIOException on an I/O failure
   */
  public void sync() {
    checkUsable();
    try {
      durability.syncAll();
    } catch (IOException e) {
      throw fail(e, "cannot force the Raft log in " + directory);
    }
  }

  /**
   * Discards the entries up to {@code index}, which a snapshot now covers. Segments holding nothing after
   * it are deleted; {@link #firstIndex()} becomes {@code index + 1} and {@link #term} keeps answering
   * {@code term} for {@code index}, also after a restart (the mark is forced before any file is deleted).
   *
   * @param index the last index the snapshot covers, from {@code firstIndex() - 1} to {@code lastIndex()}
   * @param term the term of that entry; must match the log's
   * @throws IllegalArgumentException if the index was already compacted away, is past the log, or the term
   *     does not match
   * @throws UncheckedIOException on an I/O failure
   */
  @Override
  public void compact(long index, long term) {
    checkUsable();
    if (index > segments.lastIndex()) {
      throw new IllegalArgumentException("cannot compact up to entry " + index + ": the log ends at "
          + segments.lastIndex() + "; installSnapshot discards a whole log");
    }
    compactTo(index, term);
  }

  @Override
  public void installSnapshot(long index, long term) {
    checkUsable();
    boolean holds = index >= firstIndex - 1 && index <= segments.lastIndex() && term(index) == term;
    if (!holds && index >= firstIndex - 1 && segments.lastIndex() >= firstIndex) {
      // The log disagrees with a committed snapshot, so what it holds is uncommitted: all of it goes.
      try {
        segments.truncateFrom(firstIndex);
        // Forced before the compaction mark: entries that came back after a crash would follow the
        // snapshot's entry without ever having matched it.
        segments.sync();
      } catch (IOException e) {
        throw fail(e, "cannot discard the Raft log in " + directory);
      }
      cache.truncateFrom(firstIndex);
    }
    compactTo(index, term);
  }

  private void compactTo(long index, long term) {
    if (index < firstIndex - 1) {
      throw new IllegalArgumentException("cannot compact up to entry " + index + ": the log was already compacted"
          + " up to entry " + (firstIndex - 1));
    }
    long held = index <= segments.lastIndex() ? term(index) : term;
    if (held != term) {
      throw new IllegalArgumentException("cannot compact up to entry " + index + " at term " + term
          + ": the log holds it at term " + held);
    }
    if (index == firstIndex - 1) {
      return;
    }
    try {
      compactionFile.write(new CompactionFile.Mark(index, term), syncer);
      segments.discardUpTo(index);
    } catch (IOException e) {
      throw fail(e, "cannot compact the Raft log in " + directory);
    }
    cache.discardUpTo(index);
    firstIndex = index + 1;
    compactedTerm = term;
    log.info("{}: compacted the Raft log up to entry {} (term {}); {} segments left", directory, index, term,
        segments.segmentCount());
  }

  /**
   * Returns the data directory.
   *
   * @return the directory this store locked
   */
  public Path directory() {
    return directory;
  }

  /**
   * Forces what is unwritten (unless an I/O failure came first), closes the files and releases the lock.
   * Calling it again does nothing.
   *
   * @throws UncheckedIOException if the final force or closing fails; the lock is released anyway
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    IOException problem = null;
    try {
      if (failure == null) {
        durability.syncAll();
      }
    } catch (IOException e) {
      problem = e;
    }
    try {
      segments.close();
    } catch (IOException e) {
      if (problem == null) {
        problem = e;
      } else {
        problem.addSuppressed(e);
      }
    }
    lock.close();
    if (problem != null) {
      throw new UncheckedIOException("cannot close the Raft log in " + directory + " cleanly", problem);
    }
  }

  /**
   * Drops the store as a killed process would: closes the files and releases the lock without forcing or
   * writing anything. {@link #close()} cannot stand in for a crash, since it forces what a crash would
   * lose; a simulated disk calls this and then decides what of the unforced writes survives.
   */
  void abandon() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      segments.close();
    } catch (IOException e) {
      log.debug("{}: closing the files of an abandoned store failed", directory, e);
    } finally {
      lock.close();
    }
  }

  private void checkAppendable(List<LogEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    long first = entries.get(0).index();
    if (first < firstIndex || first > segments.lastIndex() + 1) {
      throw new IllegalArgumentException("entries starting at " + first + " would leave a gap or overwrite"
          + " compacted entries: the log holds [" + firstIndex + ", " + segments.lastIndex() + "]");
    }
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i).index() != first + i) {
        throw new IllegalArgumentException("entries are not consecutive: " + entries.get(i) + " at position " + i
            + " after an entry at " + first);
      }
    }
  }

  private void checkRange(long from, long toExclusive, long lowest) {
    long last = segments.lastIndex();
    if (from < lowest || toExclusive > last + 1 || from > toExclusive) {
      throw new IndexOutOfBoundsException("entries [" + from + ", " + toExclusive + ") are outside the log ["
          + firstIndex + ", " + last + "]" + (firstIndex > 1 ? " (compacted up to " + (firstIndex - 1) + ")" : ""));
    }
  }

  private void checkUsable() {
    if (closed) {
      throw new IllegalStateException("the Raft log in " + directory + " is closed");
    }
    if (failure != null) {
      throw new UncheckedIOException("the Raft log in " + directory + " failed earlier and refuses further use;"
          + " reopen it to recover", failure);
    }
  }

  private UncheckedIOException fail(IOException e, String message) {
    failure = e;
    log.error("{}: {}; refusing further use until reopened", directory, message, e);
    return new UncheckedIOException(message, e);
  }
}
