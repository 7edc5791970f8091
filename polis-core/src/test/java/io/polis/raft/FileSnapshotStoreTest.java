package io.polis.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot files: durable saves, crash leftovers, fallback past damage, resumable chunked transfer, and one
 * store per directory.
 */
class FileSnapshotStoreTest {

  private static final int CHUNK = 64 << 10;

  @TempDir
  Path dir;

  private final List<FileSnapshotStore> opened = new ArrayList<>();

  @AfterEach
  void closeStores() {
    opened.forEach(FileSnapshotStore::close);
  }

  /** Opens a store that the test closes at the end, unless it closes it itself to stand for a restart. */
  private FileSnapshotStore open(Path directory) throws IOException {
    FileSnapshotStore store = FileSnapshotStore.open(directory);
    opened.add(store);
    return store;
  }

  @Test
  void savedSnapshotIsFoundAndReadBackWithItsMeta() throws IOException {
    FileSnapshotStore store = open(dir);
    byte[] state = random(10_000, 1);
    SnapshotMeta meta = new SnapshotMeta(42, 3, RaftFixtures.voters(3));

    StoredSnapshot saved = store.save(meta, out -> out.write(state));
    store.close();

    FileSnapshotStore reopened = open(dir);
    StoredSnapshot found = reopened.latest().orElseThrow();
    assertThat(found).isEqualTo(saved);
    assertThat(found.meta()).isEqualTo(meta);
    assertThat(found.size()).isEqualTo(state.length);
    assertThat(found.crc()).isEqualTo(crc(state));
    assertThat(readAll(reopened, found)).isEqualTo(state);
  }

  @Test
  void emptyDirectoryHasNoSnapshot() throws IOException {
    assertThat(open(dir.resolve("snapshots")).latest()).isEmpty();
  }

  @Test
  void keepsOnlyTheNewestTwo() throws IOException {
    FileSnapshotStore store = open(dir);
    for (long index = 10; index <= 40; index += 10) {
      store.save(new SnapshotMeta(index, 1, Configuration.EMPTY), out -> out.write(1));
    }

    assertThat(names()).containsExactlyInAnyOrder("snapshot-30-1.snap", "snapshot-40-1.snap");
    assertThat(store.latest().orElseThrow().meta().index()).isEqualTo(40);
  }

  @Test
  void failedSaveLeavesNothingAndKeepsTheEarlierSnapshot() throws IOException {
    FileSnapshotStore store = open(dir);
    store.save(new SnapshotMeta(5, 1, Configuration.EMPTY), out -> out.write(7));

    assertThatThrownBy(() -> store.save(new SnapshotMeta(9, 2, Configuration.EMPTY), out -> {
      out.write(1);
      throw new IOException("state machine failed");
    })).hasMessage("state machine failed");

    assertThat(names()).containsExactly("snapshot-5-1.snap");
    assertThat(store.latest().orElseThrow().meta().index()).isEqualTo(5);
  }

  @Test
  void temporaryFileOfACrashedSaveIsDeletedAndIgnored() throws IOException {
    FileSnapshotStore crashed = open(dir);
    crashed.save(new SnapshotMeta(5, 1, Configuration.EMPTY), out -> out.write(7));
    Files.write(dir.resolve("snapshot-9-2.tmp"), random(100, 2)); // the crash came before the rename
    crashed.close(); // the process died, and its lock with it

    FileSnapshotStore reopened = open(dir);

    assertThat(names()).containsExactly("snapshot-5-1.snap");
    assertThat(reopened.latest().orElseThrow().meta().index()).isEqualTo(5);
  }

  @Test
  void damagedNewestFallsBackToThePreviousOne() throws IOException {
    FileSnapshotStore store = open(dir);
    store.save(new SnapshotMeta(5, 1, RaftFixtures.voters(1)), out -> out.write(random(100, 3)));
    StoredSnapshot newest = store.save(new SnapshotMeta(9, 2, RaftFixtures.voters(1)), out -> out.write(1));
    byte[] bytes = Files.readAllBytes(store.file(newest));
    bytes[10] ^= 1; // inside the index field, covered by the header checksum
    Files.write(store.file(newest), bytes);

    StoredSnapshot found = store.latest().orElseThrow();

    assertThat(found.meta().index()).isEqualTo(5);
    assertThat(names()).contains("snapshot-9-2.snap.corrupt");
  }

  @Test
  void damagedStateIsDetectedWhenReadToTheEnd() throws IOException {
    FileSnapshotStore store = open(dir);
    StoredSnapshot saved = store.save(new SnapshotMeta(5, 1, Configuration.EMPTY), out -> out.write(random(5000, 4)));
    byte[] bytes = Files.readAllBytes(store.file(saved));
    bytes[bytes.length - 100] ^= 1;
    Files.write(store.file(saved), bytes);

    assertThatThrownBy(() -> readAll(store, saved)).isInstanceOf(IOException.class)
        .hasMessageContaining("state checksum mismatch").hasMessageContaining("snapshot-5-1.snap");
  }

  @Test
  void chunkedTransferBetweenTwoStoresGivesTheSameBytes() throws IOException {
    FileSnapshotStore sender = open(dir.resolve("sender"));
    FileSnapshotStore receiverStore = open(dir.resolve("receiver"));
    byte[] state = random(5 << 20, 5);
    StoredSnapshot sent = sender.save(new SnapshotMeta(1000, 7, RaftFixtures.voters(3)), out -> out.write(state));

    SnapshotReceiver receiver = receiverStore.receive(sent.meta(), sender.size(sent), sent.crc());
    transfer(sender, sent, receiver, Long.MAX_VALUE);
    StoredSnapshot received = receiver.finish();

    assertThat(receiverStore.latest()).contains(received);
    assertThat(received.meta()).isEqualTo(sent.meta());
    assertThat(readAll(receiverStore, received)).isEqualTo(state);
    assertThat(names(dir.resolve("receiver"))).containsExactly("snapshot-1000-7.snap");
  }

  @Test
  void restartedReceiverResumesFromWhereThePartialFileEnds() throws IOException {
    FileSnapshotStore sender = open(dir.resolve("sender"));
    Path receiverDir = dir.resolve("receiver");
    byte[] state = random(5 << 20, 6);
    StoredSnapshot sent = sender.save(new SnapshotMeta(1000, 7, RaftFixtures.voters(3)), out -> out.write(state));
    FileSnapshotStore beforeCrash = open(receiverDir);
    SnapshotReceiver first = beforeCrash.receive(sent.meta(), sent.size(), sent.crc());
    transfer(sender, sent, first, 30L * CHUNK);
    // The receiving process "dies" here: first is simply dropped, as a crash would, and the lock goes with it.
    beforeCrash.close();

    FileSnapshotStore afterRestart = open(receiverDir);
    SnapshotReceiver resumed = afterRestart.receive(sent.meta(), sent.size(), sent.crc());
    assertThat(resumed.nextOffset()).isEqualTo(30L * CHUNK);
    transfer(sender, sent, resumed, Long.MAX_VALUE);
    StoredSnapshot received = resumed.finish();

    assertThat(readAll(afterRestart, received)).isEqualTo(state);
  }

  @Test
  void chunkAtTheWrongOffsetIsRefusedAndTheSenderResendsFromNextOffset() throws IOException {
    FileSnapshotStore store = open(dir);
    byte[] state = random(300, 7);
    SnapshotReceiver receiver = store.receive(new SnapshotMeta(3, 1, Configuration.EMPTY), 300, crc(state));
    receiver.write(0, Arrays.copyOfRange(state, 0, 100));

    assertThatThrownBy(() -> receiver.write(0, Arrays.copyOfRange(state, 0, 100)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expects 100");
    assertThatThrownBy(() -> receiver.write(100, new byte[201])).isInstanceOf(IllegalArgumentException.class);
    receiver.write(100, Arrays.copyOfRange(state, 100, 300));
    assertThat(receiver.finish().size()).isEqualTo(300);
  }

  @Test
  void wrongChecksumAtFinishIsRejectedAndNothingIsInstalled() throws IOException {
    FileSnapshotStore store = open(dir);
    byte[] state = random(1000, 8);
    SnapshotReceiver receiver = store.receive(new SnapshotMeta(3, 1, Configuration.EMPTY), 1000, crc(state) + 1);
    receiver.write(0, state);

    assertThatThrownBy(receiver::finish).isInstanceOf(IOException.class).hasMessageContaining("checksum");
    assertThat(store.latest()).isEmpty();
    assertThat(names()).isEmpty();
  }

  @Test
  void incompleteTransferCannotFinishButCanContinue() throws IOException {
    FileSnapshotStore store = open(dir);
    byte[] state = random(1000, 9);
    SnapshotReceiver receiver = store.receive(new SnapshotMeta(3, 1, Configuration.EMPTY), 1000, crc(state));
    receiver.write(0, Arrays.copyOf(state, 400));

    assertThatThrownBy(receiver::finish).hasMessageContaining("400 of 1000");
    receiver.write(400, Arrays.copyOfRange(state, 400, 1000));
    assertThat(receiver.finish().crc()).isEqualTo(crc(state));
  }

  @Test
  void newTransferDeletesThePartialFileOfAnotherAndAbortDeletesItsOwn() throws IOException {
    FileSnapshotStore store = open(dir);
    store.receive(new SnapshotMeta(3, 1, Configuration.EMPTY), 10, 0).write(0, new byte[5]);

    SnapshotReceiver newer = store.receive(new SnapshotMeta(8, 2, Configuration.EMPTY), 10, 0);
    assertThat(newer.nextOffset()).isZero();
    assertThat(names()).hasSize(1).allMatch(name -> name.startsWith("snapshot-8-2-"));

    newer.abort();
    assertThat(names()).isEmpty();
  }

  @Test
  void partialFileWithATornHeaderStartsTheTransferAgain() throws IOException {
    FileSnapshotStore store = open(dir);
    SnapshotMeta meta = new SnapshotMeta(3, 1, RaftFixtures.voters(2));
    store.receive(meta, 10, 0).write(0, new byte[5]);
    Path partial = dir.resolve(names().stream().filter(n -> n.endsWith(SnapshotFile.PARTIAL)).findFirst()
        .orElseThrow());
    Files.write(partial, new byte[] {1, 2, 3}); // a crash during the header write
    store.close();

    assertThat(open(dir).receive(meta, 10, 0).nextOffset()).isZero();
  }

  /**
   * A second store on a directory in use would delete the first one's temporary file (at open) and its
   * partial transfer (at receive), breaking a save or a transfer under way; it is refused instead, naming
   * the directory, whether reached by the same path or another.
   */
  @Test
  void aSecondStoreOnADirectoryInUseIsRefusedNamingItAndTheFirstOnesWorkGoesOn() throws IOException {
    Path snapshots = dir.resolve("snapshots");
    FileSnapshotStore store = open(snapshots);
    Path alias = Files.createSymbolicLink(dir.resolve("alias"), snapshots);
    byte[] partial = random(1000, 10);
    SnapshotReceiver transfer = store.receive(new SnapshotMeta(3, 1, Configuration.EMPTY), 1000, crc(partial));
    transfer.write(0, Arrays.copyOf(partial, 400));

    StoredSnapshot saved = store.save(new SnapshotMeta(2, 1, Configuration.EMPTY), out -> {
      out.write(random(5000, 11));
      // Half written, in its temporary file: now someone opens the directory again.
      for (Path path : List.of(snapshots, alias)) {
        assertThatThrownBy(() -> FileSnapshotStore.open(path)).isInstanceOf(UncheckedIOException.class)
            .hasMessageContaining("snapshot directory " + path).hasMessageContaining("already in use");
      }
      out.write(random(5000, 12));
    });

    assertThat(saved.size()).isEqualTo(10_000);
    transfer.write(400, Arrays.copyOfRange(partial, 400, 1000));
    assertThat(transfer.finish().meta().index()).isEqualTo(3);
    store.close();
    assertThat(open(alias).latest().orElseThrow().meta().index()).as("reopened once closed").isEqualTo(3);
  }

  @Test
  void aClosedStoreRefusesWorkSayingWhich() throws IOException {
    FileSnapshotStore store = open(dir);
    store.close();
    store.close(); // twice is fine

    assertThatThrownBy(() -> store.save(new SnapshotMeta(2, 1, Configuration.EMPTY), out -> out.write(1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(dir.toString()).hasMessageContaining("closed");
    assertThatThrownBy(store::latest).isInstanceOf(IllegalStateException.class);
    assertThat(names()).isEmpty();
  }

  @Test
  void aDirectoryHeldByAnotherProcessIsRefused() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process holder = new ProcessBuilder(java, "-cp", classPath, HoldsADirectory.class.getName(), dir.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).as("the other process's answer").isEqualTo("holding");

      assertThatThrownBy(() -> FileSnapshotStore.open(dir)).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining(dir.toString()).hasMessageContaining("by another process");

      holder.getOutputStream().close(); // it closes its store and exits
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(open(dir).latest()).isEmpty();
    } finally {
      holder.destroyForcibly();
    }
  }

  /** Another process: holds a store on the directory given until its stdin ends. */
  static final class HoldsADirectory {
    public static void main(String[] args) throws IOException {
      try (FileSnapshotStore store = FileSnapshotStore.open(Path.of(args[0]))) {
        System.out.println("holding");
        System.out.flush();
        System.in.readAllBytes();
      }
    }
  }

  /** Sends chunks from the receiver's next offset until {@code upTo} bytes or the end. */
  private static void transfer(FileSnapshotStore sender, StoredSnapshot snapshot, SnapshotReceiver receiver,
      long upTo) throws IOException {
    long end = Math.min(upTo, sender.size(snapshot));
    while (receiver.nextOffset() < end) {
      long offset = receiver.nextOffset();
      receiver.write(offset, sender.readChunk(snapshot, offset, (int) Math.min(CHUNK, end - offset)));
    }
  }

  private static byte[] readAll(FileSnapshotStore store, StoredSnapshot snapshot) throws IOException {
    try (InputStream in = store.openState(snapshot)) {
      return in.readAllBytes();
    }
  }

  private List<String> names() throws IOException {
    return names(dir);
  }

  /** The store's files, without its lock file. */
  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(DirectoryLock.FILE_NAME)).toList();
    }
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static int crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return (int) crc.getValue();
  }
}
