package io.polis.raft;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a member's snapshots as files in one directory (for example {@code <data-dir>/snapshots}), the
 * newest {@value #RETAINED} of them, in the layout described by {@code SnapshotFile}: a checksummed header
 * with the {@link SnapshotMeta}, the state bytes, and a CRC32C of the state bytes.
 *
 * <p><b>Crash safety.</b> A snapshot becomes visible only by an atomic rename after its file was forced,
 * and the directory is forced after the rename, so a crash leaves either the whole snapshot or none plus
 * a leftover temporary file, which {@link #open} and {@link #latest()} delete. A transfer being received
 * is kept as a {@code .partial} file, so that a receiver restarted on the same directory resumes it
 * ({@link #receive}).
 *
 * <p><b>One store per directory.</b> Opening deletes temporary files, and receiving deletes the partial
 * files of other transfers: a second store on a directory in use would delete the first one's save or
 * transfer in progress. So a store locks its directory as {@link FileRaftStorage} does (a {@code lock}
 * file, locked against other processes, and remembered against this one), and {@link #open} refuses a
 * directory that another store holds. {@link #close()} releases it.
 *
 * <p><b>Threading.</b> Safe for use from several threads: {@link #save}, {@link #latest()} and
 * {@link #receive} are serialized on the store; {@link #openState} and {@link #readChunk} only read a
 * completed file and may run concurrently with them. All methods block on the disk. A snapshot that
 * retention deleted meanwhile makes {@link #openState} or {@link #readChunk} throw
 * {@link java.nio.file.NoSuchFileException}; the caller starts again from {@link #latest()}.
 */
public final class FileSnapshotStore implements SnapshotStore {

  /** How many complete snapshots are kept; the newest is used, the one before is a fallback. */
  public static final int RETAINED = 2;

  private static final Logger log = LoggerFactory.getLogger(FileSnapshotStore.class);

  private static final DirectoryLock.Holder HOLDER = new DirectoryLock.Holder("snapshot directory",
      "a second snapshot store would delete the first one's files of a save or transfer in progress");

  private final Path directory;
  private final Syncer syncer;
  private final DirectoryLock lock;
  private volatile boolean closed;

  private FileSnapshotStore(Path directory, Syncer syncer, DirectoryLock lock) {
    this.directory = directory;
    this.syncer = syncer;
    this.lock = lock;
  }

  /**
   * Opens the store in a directory, creating it if needed, locks the directory, and deletes temporary
   * files that a crash left. Close the store to release the directory.
   *
   * @param directory the snapshot directory; nothing else should write there
   * @return the store
   * @throws IOException if the directory cannot be created or listed
   * @throws java.io.UncheckedIOException naming the directory if another store, in this process or
   *     another, has it open
   */
  public static FileSnapshotStore open(Path directory) throws IOException {
    return open(directory, Syncer.FORCE);
  }

  static FileSnapshotStore open(Path directory, Syncer syncer) throws IOException {
    Files.createDirectories(directory);
    DirectoryLock lock = DirectoryLock.acquire(directory, HOLDER);
    FileSnapshotStore store = new FileSnapshotStore(directory, syncer, lock);
    try {
      store.deleteTemporaryFiles();
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
    return store;
  }

  /**
   * Returns the directory the store keeps its files in.
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * Writes a snapshot, makes it durable, and deletes all but the newest {@value #RETAINED} snapshots (by
   * index). Blocks while the state is written; run it off the driver thread.
   *
   * @param meta what the snapshot stands for
   * @param state the state, written once by this call
   * @return the stored snapshot
   * @throws IOException if writing fails, including an exception of {@code state}; nothing of the
   *     snapshot is left behind and earlier snapshots are untouched
   */
  @Override
  public synchronized StoredSnapshot save(SnapshotMeta meta, StateSnapshot state) throws IOException {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(state, "state");
    checkOpen();
    Path temp = directory.resolve(SnapshotFile.tempName(meta));
    long size;
    CRC32C crc = new CRC32C();
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer header = SnapshotFile.header(meta);
      SnapshotFile.writeFully(channel, header, 0);
      channel.position(header.limit());
      CountingStream counted = new CountingStream(new CheckedOutputStream(
          new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), crc));
      state.writeTo(counted);
      counted.flush();
      size = counted.count;
      SnapshotFile.writeFully(channel, ByteBuffer.allocate(4).putInt(0, (int) crc.getValue()), channel.position());
      syncer.force(temp, channel, true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    Path file = directory.resolve(SnapshotFile.completeName(meta));
    install(temp, file);
    log.info("{}: saved snapshot at index {} (term {}), {} state bytes", directory, meta.index(), meta.term(), size);
    return new StoredSnapshot(meta, size, (int) crc.getValue());
  }

  /**
   * Finds the newest snapshot whose header is intact. A newer one that is damaged is logged at WARN,
   * renamed to {@code <name>.corrupt} for inspection, and skipped. Temporary files of interrupted saves
   * are deleted, and so are partial transfers older than the snapshot found.
   *
   * <p>Only the header is verified here; the state's checksum is checked as {@link #openState} reads it.
   *
   * @return the newest usable snapshot, or empty if there is none
   * @throws IOException if the directory cannot be listed
   */
  @Override
  public synchronized Optional<StoredSnapshot> latest() throws IOException {
    checkOpen();
    deleteTemporaryFiles();
    for (Path file : files(SnapshotFile.COMPLETE)) {
      try {
        StoredSnapshot found = describe(file);
        for (Path partial : files(SnapshotFile.PARTIAL)) {
          if (SnapshotFile.parse(partial).index() <= found.meta().index()) {
            Files.deleteIfExists(partial); // a transfer that a newer snapshot made useless
          }
        }
        return Optional.of(found);
      } catch (IOException e) {
        log.warn("{}: skipping damaged snapshot {}, falling back to the one before: {}", directory,
            file.getFileName(), e.getMessage());
        Files.move(file, file.resolveSibling(file.getFileName() + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return Optional.empty();
  }

  /**
   * Opens a snapshot's state bytes for reading, for example to give them to
   * {@link StateMachine#restore}. The stream verifies the checksum as it goes and throws at the end if
   * it does not match, so a reader that reads to the end never accepts damaged bytes. The caller closes
   * it; it is for one thread.
   *
   * @param snapshot a snapshot of this store
   * @return a stream of exactly {@link StoredSnapshot#size()} bytes
   * @throws IOException if the file cannot be opened; reads throw if the file is damaged
   */
  @Override
  public InputStream openState(StoredSnapshot snapshot) throws IOException {
    checkOpen();
    Path file = file(snapshot);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      channel.position(SnapshotFile.headerBytes(snapshot.meta()));
      InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
      return new VerifyingInputStream(in, snapshot.size(), file);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Returns how many state bytes a snapshot has: what a sender sends in chunks.
   *
   * @param snapshot a snapshot of this store
   * @return {@link StoredSnapshot#size()}
   */
  public long size(StoredSnapshot snapshot) {
    return snapshot.size();
  }

  /**
   * Reads a chunk of a snapshot's state bytes for sending. The chunk is not verified here: the receiver
   * checks the whole against {@link StoredSnapshot#crc()} at {@link SnapshotReceiver#finish()}.
   *
   * @param snapshot a snapshot of this store
   * @param offset where the chunk starts, from 0 to {@link StoredSnapshot#size()}
   * @param max the most bytes to return; positive
   * @return the bytes from {@code offset}, {@code max} of them or fewer at the end; empty at the end
   * @throws IllegalArgumentException if {@code offset} or {@code max} is out of range
   * @throws IOException if the file cannot be read or is shorter than it was
   */
  @Override
  public byte[] readChunk(StoredSnapshot snapshot, long offset, int max) throws IOException {
    if (offset < 0 || offset > snapshot.size()) {
      throw new IllegalArgumentException("offset " + offset + " is outside the snapshot's 0.." + snapshot.size());
    }
    if (max <= 0) {
      throw new IllegalArgumentException("max must be positive, was " + max);
    }
    checkOpen();
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(max, snapshot.size() - offset));
    Path file = file(snapshot);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      SnapshotFile.readFully(channel, chunk, SnapshotFile.headerBytes(snapshot.meta()) + offset, file);
    }
    return chunk.array();
  }

  /**
   * Starts or resumes receiving a snapshot sent in chunks. If a partial file of the same transfer (same
   * index, term, size and checksum) is here, for instance from before a restart, it continues from it;
   * partial files of any other transfer are deleted, since only the newest transfer matters.
   *
   * @param meta what the snapshot stands for
   * @param totalBytes how many state bytes the sender will send
   * @param crc the CRC32C of those bytes, as the sender announced ({@link StoredSnapshot#crc()})
   * @return the receiver; see {@link SnapshotReceiver#nextOffset()} for where the sender should start
   * @throws IllegalArgumentException if {@code totalBytes} is negative
   * @throws IOException if the partial file cannot be created or read
   */
  @Override
  public synchronized SnapshotReceiver receive(SnapshotMeta meta, long totalBytes, int crc) throws IOException {
    Objects.requireNonNull(meta, "meta");
    if (totalBytes < 0) {
      throw new IllegalArgumentException("totalBytes must not be negative, was " + totalBytes);
    }
    checkOpen();
    Path partial = directory.resolve(SnapshotFile.partialName(meta, totalBytes, crc));
    for (Path other : files(SnapshotFile.PARTIAL)) {
      if (!other.equals(partial)) {
        Files.deleteIfExists(other);
      }
    }
    return FileSnapshotReceiver.open(this, partial, meta, totalBytes, crc);
  }

  /** Renames a forced file into place, forces the directory, and applies retention. */
  synchronized void install(Path from, Path to) throws IOException {
    checkOpen();
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      // Only file systems without rename(2) get here; a data directory should not live on one.
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
    syncer.forceDirectory(directory);
    List<Path> complete = files(SnapshotFile.COMPLETE);
    for (Path old : complete.subList(Math.min(RETAINED, complete.size()), complete.size())) {
      Files.deleteIfExists(old);
      log.info("{}: deleted old snapshot {}", directory, old.getFileName());
    }
  }

  /**
   * Returns the file that holds a snapshot of this store.
   *
   * @param snapshot a snapshot of this store
   * @return its file
   */
  public Path file(StoredSnapshot snapshot) {
    return directory.resolve(SnapshotFile.completeName(snapshot.meta()));
  }

  Syncer syncer() {
    return syncer;
  }

  /**
   * Releases the directory, after a save, receive or install under way has finished, so that another
   * store may open it. Later calls on this store throw {@link IllegalStateException}; reads already
   * under way ({@link #openState} streams, {@link #readChunk}) are not stopped. Closing twice does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    lock.close();
  }

  private void checkOpen() {
    if (closed) {
      // Another store may hold the directory by now; writing or deleting here could break its work.
      throw new IllegalStateException("the snapshot store on " + directory + " is closed");
    }
  }

  private StoredSnapshot describe(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      SnapshotMeta meta = SnapshotFile.readHeader(channel, file);
      SnapshotFile.Name name = SnapshotFile.parse(file);
      if (meta.index() != name.index() || meta.term() != name.term()) {
        throw SnapshotFile.damaged(file, "header says index " + meta.index() + " term " + meta.term());
      }
      long state = channel.size() - SnapshotFile.headerBytes(meta) - SnapshotFile.TRAILER_BYTES;
      if (state < 0) {
        throw SnapshotFile.damaged(file, "file of " + channel.size() + " bytes has no room for its trailer");
      }
      ByteBuffer trailer = ByteBuffer.allocate(4);
      SnapshotFile.readFully(channel, trailer, channel.size() - 4, file);
      return new StoredSnapshot(meta, state, trailer.getInt());
    }
  }

  /** This store's files with the suffix, newest (highest index, then term) first. */
  private List<Path> files(String suffix) throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> listing = Files.list(directory)) {
      listing.filter(p -> {
        SnapshotFile.Name name = SnapshotFile.parse(p);
        return name != null && name.suffix().equals(suffix);
      }).forEach(found::add);
    }
    found.sort(Comparator.comparing((Path p) -> SnapshotFile.parse(p).index())
        .thenComparing(p -> SnapshotFile.parse(p).term()).reversed());
    return found;
  }

  private void deleteTemporaryFiles() throws IOException {
    for (Path temp : files(SnapshotFile.TEMP)) {
      // Its rename never happened, so no snapshot depends on it.
      Files.deleteIfExists(temp);
      log.info("{}: deleted {} left by an interrupted save", directory, temp.getFileName());
    }
  }

  /** Counts what the state machine writes; close is ignored because the store owns the file. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
