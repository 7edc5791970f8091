package io.polis.benchmarks.consensus;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Three etcd 3.4 processes on 127.0.0.1, each with its own data directory under one temporary
 * directory, run with etcd's defaults except for the timing and the log level (warnings only, to
 * {@code member-N.log} beside the data directories). A kill is {@code SIGKILL}
 * ({@link Process#destroyForcibly}); a restart runs the same command on the same ports and data
 * directory, so the member comes back with its id and log.
 *
 * <p>System properties: {@code etcd.bin} (default: {@code etcd} on the {@code PATH}), {@code etcd.dataRoot}
 * (where the temporary directory goes; default {@code java.io.tmpdir}; {@code /dev/shm} takes the
 * disk's fsync out of the write latency), {@code etcd.keepData=true} to leave the directory behind for
 * reading the logs.
 */
final class EtcdCluster implements ConsensusCluster {

  private static final int SIZE = 3;
  private static final String HOST = "127.0.0.1";

  private final String binary;
  private final String version;
  private final ConsensusTiming timing;
  private final Path root;
  private final int[] clientPorts;
  private final int[] peerPorts;
  private final String token;
  private final @Nullable Process[] processes = new Process[SIZE];
  /** Each member's etcd id (decimal uint64), learned from its status once it answers. */
  private final @Nullable String[] memberIds = new String[SIZE];
  private final EtcdHttp control = new EtcdHttp(Duration.ofMillis(500));
  private final EtcdHttp writes = new EtcdHttp(Duration.ofSeconds(2));
  private final Thread reaper = new Thread(this::destroyAll, "etcd-reaper");

  private EtcdCluster(String binary, String version, ConsensusTiming timing) throws IOException {
    this.binary = binary;
    this.version = version;
    this.timing = timing;
    String dataRoot = System.getProperty("etcd.dataRoot", System.getProperty("java.io.tmpdir"));
    this.root = Files.createTempDirectory(Path.of(dataRoot), "polis-etcd-bench-");
    int[] ports = freePorts(2 * SIZE);
    this.clientPorts = Arrays.copyOfRange(ports, 0, SIZE);
    this.peerPorts = Arrays.copyOfRange(ports, SIZE, 2 * SIZE);
    this.token = root.getFileName().toString();
    // A benchmark stopped by Ctrl-C or an exception must not leave etcd processes behind.
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * Finds the binary and checks that it runs.
   *
   * @param timing heartbeat and election timeout
   * @return the cluster, not started
   * @throws ConsensusTargets.UnavailableException if etcd is not installed or does not run
   */
  static EtcdCluster create(ConsensusTiming timing) throws ConsensusTargets.UnavailableException {
    String binary = Optional.ofNullable(System.getProperty("etcd.bin")).orElseGet(() -> onPath("etcd"));
    if (binary == null) {
      throw new ConsensusTargets.UnavailableException(
          "etcd: not installed (apt-get install etcd-server, or -Detcd.bin=/path/to/etcd)");
    }
    try {
      return new EtcdCluster(binary, version(binary), timing);
    } catch (IOException e) {
      throw new ConsensusTargets.UnavailableException("etcd: cannot run " + binary + ": " + e.getMessage());
    }
  }

  @Override
  public String description() {
    return "etcd " + version + " (" + SIZE + " processes, data in " + root.getParent() + ", heartbeat "
        + timing.heartbeat().toMillis() + " ms, election timeout " + timing.electionTimeout().toMillis() + " ms)";
  }

  @Override
  public int size() {
    return SIZE;
  }

  @Override
  public void start(Duration timeout) throws IOException, TimeoutException, InterruptedException {
    for (int member = 0; member < SIZE; member++) {
      launch(member);
    }
    awaitAgreement(timeout);
  }

  @Override
  public boolean isRunning(int member) {
    Process process = processes[member];
    return process != null && process.isAlive();
  }

  @Override
  public OptionalInt leaderSeenBy(int member) {
    try {
      Optional<EtcdHttp.Status> status = control.status(clientPorts[member]);
      if (status.isEmpty()) {
        return OptionalInt.empty();
      }
      memberIds[member] = status.get().memberId();
      return indexOf(status.get().leaderId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }

  @Override
  public void kill(int member) throws InterruptedException {
    Process process = processes[member];
    if (process == null) {
      throw new IllegalStateException("member " + member + " is not running");
    }
    process.destroyForcibly(); // SIGKILL: etcd gets no chance to transfer leadership or say goodbye
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("member " + member + " (pid " + process.pid() + ") survived SIGKILL");
    }
    processes[member] = null;
  }

  @Override
  public void restart(int member, Duration timeout) throws IOException, TimeoutException, InterruptedException {
    if (isRunning(member)) {
      throw new IllegalStateException("member " + member + " is running");
    }
    launch(member);
    awaitAgreement(timeout);
  }

  @Override
  public Client newClient() {
    int leader = leaderIndex().orElseThrow(() -> new IllegalStateException("no agreed leader"));
    int port = clientPorts[leader];
    return new Client() {
      @Override
      public void put(byte[] key, byte[] value) throws IOException, InterruptedException {
        writes.put(port, key, value);
      }

      @Override
      public void close() {
        // The connection stays in the shared pool.
      }
    };
  }

  @Override
  public void close() throws IOException {
    destroyAll();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs anyway.
    }
    if (!Boolean.getBoolean("etcd.keepData")) {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private void launch(int member) throws IOException {
    List<String> command = new ArrayList<>(List.of(binary,
        "--name", name(member),
        "--data-dir", root.resolve(name(member)).toString(),
        "--listen-client-urls", url(clientPorts[member]),
        "--advertise-client-urls", url(clientPorts[member]),
        "--listen-peer-urls", url(peerPorts[member]),
        "--initial-advertise-peer-urls", url(peerPorts[member]),
        "--initial-cluster", initialCluster(),
        "--initial-cluster-token", token,
        // Read at the first start only: a restart finds its data directory and rejoins from its log.
        "--initial-cluster-state", "new",
        "--heartbeat-interval", Long.toString(timing.heartbeat().toMillis()),
        "--election-timeout", Long.toString(timing.electionTimeout().toMillis()),
        "--logger", "zap", "--log-outputs", "stderr", "--log-level", "warn"));
    File log = root.resolve(name(member) + ".log").toFile();
    processes[member] = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
  }

  /** Waits until every member runs and all report the same leader, itself one of them. */
  private void awaitAgreement(Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (int member = 0; member < SIZE; member++) {
        if (processes[member] != null && !isRunning(member)) {
          throw new IllegalStateException("member " + member + " exited with status "
              + processes[member].exitValue() + "; see " + root.resolve(name(member) + ".log"));
        }
      }
      for (int member = 0; member < SIZE; member++) {
        if (memberIds[member] == null) {
          leaderSeenBy(member); // learns the member's id, without which its leadership cannot be recognized
        }
      }
      if (allRunning() && leaderIndex().isPresent()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("etcd members did not agree on a leader within " + timeout + "; logs in " + root);
      }
      Thread.sleep(20);
    }
  }

  private boolean allRunning() {
    for (int member = 0; member < SIZE; member++) {
      if (!isRunning(member)) {
        return false;
      }
    }
    return true;
  }

  private OptionalInt indexOf(String leaderId) {
    if (EtcdHttp.Status.NO_LEADER.equals(leaderId)) {
      return OptionalInt.empty();
    }
    for (int member = 0; member < SIZE; member++) {
      if (leaderId.equals(memberIds[member])) {
        return OptionalInt.of(member);
      }
    }
    return OptionalInt.empty(); // a member we have not heard from yet: no agreement we can check
  }

  private void destroyAll() {
    for (Process process : processes) {
      if (process != null) {
        process.destroyForcibly();
      }
    }
    for (Process process : processes) {
      if (process != null) {
        try {
          process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private String initialCluster() {
    StringBuilder cluster = new StringBuilder();
    for (int member = 0; member < SIZE; member++) {
      cluster.append(member == 0 ? "" : ",").append(name(member)).append('=').append(url(peerPorts[member]));
    }
    return cluster.toString();
  }

  private static String name(int member) {
    return "member-" + member;
  }

  private static String url(int port) {
    return "http://" + HOST + ":" + port;
  }

  /**
   * Picks ports the kernel calls free by binding them all at once, then releases them for etcd. Another
   * process may take one in between; then a member fails to start and says so in its log.
   */
  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  private static @Nullable String onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  /** "etcd Version: 3.4.23" on the first line of {@code etcd --version}. */
  private static String version(String binary) throws IOException {
    Process process = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("'" + binary + " --version' failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return output.lines().filter(line -> line.startsWith("etcd Version:"))
        .map(line -> line.substring("etcd Version:".length()).strip()).findFirst().orElse("(unknown version)");
  }
}
