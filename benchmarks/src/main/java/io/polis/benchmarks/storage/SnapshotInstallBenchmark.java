package io.polis.benchmarks.storage;

import io.polis.KeyValueStore;
import io.polis.kv.KvStateMachine;
import io.polis.kv.ReplicatedKeyValueStore;
import io.polis.raft.FileRaftStorage;
import io.polis.raft.FileSnapshotStore;
import io.polis.raft.FileStorageConfig;
import io.polis.raft.StoredSnapshot;
import io.polis.runtime.RaftDriverConfig;
import io.polis.runtime.RaftTcpCluster;
import io.polis.runtime.SnapshotPolicy;
import io.polis.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Time to bring back a member that missed so much that it needs a whole snapshot of a large state: three
 * members on 127.0.0.1 (TCP, file log, file snapshots), one of them stopped while the others take
 * {@code keys} puts of {@code valueBytes} each (about 100 MB of key-value state by default) and snapshot
 * it; then the stopped member is restarted on its directory and the clock runs until it has applied the
 * leader's snapshot index: the leader notices it, streams the snapshot in 1 MiB chunks, the member checks
 * the checksum, forces and renames the file, and restores its key-value state from it.
 *
 * <p>Baseline, in the same run: the same snapshot file sent through a plain loopback socket
 * ({@code FileChannel.transferTo}) into a file that is then forced: the cost of moving the bytes, which no
 * protocol can beat. Prints both, their ratio and {@code RESULT} lines.
 *
 * <p>Run: {@code benchmarks/snapshot-install.sh [keys] [valueBytes] [repetitions]} (defaults 100,000, 1,000,
 * 3). Data under {@code -Dpolis.dataRoot} or the temp directory, deleted at the end.
 */
public final class SnapshotInstallBenchmark {

  private SnapshotInstallBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args keys, value bytes, repetitions
   * @throws Exception if the cluster fails
   */
  public static void main(String[] args) throws Exception {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int repetitions = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path root = Files.createTempDirectory(Path.of(System.getProperty("polis.dataRoot",
        System.getProperty("java.io.tmpdir"))), "snapshot-install");
    List<Long> installs = new ArrayList<>();
    List<Long> baselines = new ArrayList<>();
    long snapshotBytes = 0;
    try {
      for (int rep = 0; rep < repetitions; rep++) {
        Path dir = root.resolve("rep-" + rep);
        long[] result = runOnce(dir, keys, valueBytes);
        snapshotBytes = result[0];
        installs.add(result[1]);
        baselines.add(result[2]);
        System.out.printf(Locale.ROOT, "rep %d: snapshot %.1f MB, install %d ms, loopback copy + force %d ms%n", rep,
            result[0] / 1e6, result[1] / 1_000_000, result[2] / 1_000_000);
        deleteTree(dir);
      }
    } finally {
      deleteTree(root);
    }
    long install = median(installs);
    long baseline = median(baselines);
    System.out.printf(Locale.ROOT, "median: install %d ms, baseline %d ms, ratio %.2f (snapshot %.1f MB)%n",
        install / 1_000_000, baseline / 1_000_000, (double) install / baseline, snapshotBytes / 1e6);
    System.out.printf(Locale.ROOT, "RESULT snapshot_install_ms=%d%n", install / 1_000_000);
    System.out.printf(Locale.ROOT, "RESULT loopback_copy_ms=%d%n", baseline / 1_000_000);
    System.out.printf(Locale.ROOT, "RESULT snapshot_bytes=%d%n", snapshotBytes);
    System.exit(0);
  }

  /** Returns {snapshot bytes, install nanos, baseline nanos}. */
  private static long[] runOnce(Path dir, int keys, int valueBytes) throws Exception {
    // One snapshot at the end of the load rather than many during it: the member is sent the whole state.
    RaftDriverConfig config = RaftDriverConfig.defaults().withSnapshots(
        new SnapshotPolicy(keys, Long.MAX_VALUE, 0, SnapshotPolicy.DEFAULT_CHUNK_BYTES));
    try (RaftTcpCluster cluster = new RaftTcpCluster(3, config, KvStateMachine::new,
        i -> FileRaftStorage.open(dir.resolve("m" + i).resolve("raft"), FileStorageConfig.defaults(), Clock.system()),
        i -> openSnapshots(dir.resolve("m" + i).resolve("snapshots")))) {
      RaftTcpCluster.Member leader = awaitLeader(cluster);
      RaftTcpCluster.Member lagging = cluster.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
      int laggingIndex = cluster.members().indexOf(lagging);
      int leaderIndex = cluster.members().indexOf(leader);
      lagging.driver().close();
      lagging.kill();

      load(leader, keys, valueBytes);
      Path leaderDir = dir.resolve("m" + leaderIndex).resolve("snapshots");
      awaitSnapshotFile(leaderDir);
      // The leader's own store: a second one on its directory is refused, since it would delete the files
      // of a save under way.
      FileSnapshotStore leaderSnapshots = (FileSnapshotStore) leader.snapshots();
      StoredSnapshot snapshot = leaderSnapshots.latest().orElseThrow();

      long started = System.nanoTime();
      cluster.restart(lagging);
      while (lagging.driver().status().appliedIndex() < snapshot.meta().index()) {
        Thread.sleep(1); // polling the member's progress, not asserting anything
      }
      long install = System.nanoTime() - started;
      if (Files.list(dir.resolve("m" + laggingIndex).resolve("snapshots")).noneMatch(p -> p.toString().endsWith(".snap"))) {
        throw new IllegalStateException("the member caught up without a snapshot: nothing was measured");
      }
      long baseline = loopbackCopy(leaderSnapshots.file(snapshot), dir.resolve("copy.bin"));
      return new long[] {snapshot.size(), install, baseline};
    }
  }

  private static FileSnapshotStore openSnapshots(Path dir) {
    try {
      return FileSnapshotStore.open(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RaftTcpCluster.Member awaitLeader(RaftTcpCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (cluster.agreedLeader() == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no leader within 30 s");
      }
      Thread.sleep(10);
    }
    return cluster.agreedLeader();
  }

  private static void load(RaftTcpCluster.Member leader, int keys, int valueBytes) throws Exception {
    KeyValueStore store = new ReplicatedKeyValueStore(leader.driver(), (KvStateMachine) leader.stateMachine(),
        Math.max(valueBytes, 1024));
    byte[] value = new byte[valueBytes];
    Semaphore inFlight = new Semaphore(256);
    List<CompletableFuture<?>> last = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      inFlight.acquire();
      value[0] = (byte) i;
      CompletableFuture<?> put = store.put("key-" + i, value.clone()).whenComplete((r, e) -> inFlight.release());
      if (i >= keys - 256) {
        last.add(put);
      }
    }
    CompletableFuture.allOf(last.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    inFlight.acquire(256);
  }

  private static void awaitSnapshotFile(Path dir) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try (Stream<Path> files = Files.list(dir)) {
        if (files.anyMatch(p -> p.toString().endsWith(".snap"))) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the leader took no snapshot within 120 s");
      }
      Thread.sleep(20);
    }
  }

  /** Sends a file through a loopback socket into another file and forces it; returns the nanos taken. */
  private static long loopbackCopy(Path from, Path to) throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      long size = Files.size(from);
      long started = System.nanoTime();
      CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
        try (SocketChannel socket = SocketChannel.open(server.getLocalAddress());
            FileChannel in = FileChannel.open(from, StandardOpenOption.READ)) {
          for (long sent = 0; sent < size; ) {
            sent += in.transferTo(sent, size - sent, socket);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      try (SocketChannel socket = server.accept();
          FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        for (long received = 0; received < size; ) {
          buffer.clear();
          int n = socket.read(buffer);
          if (n < 0) {
            throw new IOException("sender closed after " + received + " bytes");
          }
          buffer.flip();
          while (buffer.hasRemaining()) {
            out.write(buffer);
          }
          received += n;
        }
        out.force(true);
      }
      sender.get();
      return System.nanoTime() - started;
    }
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
