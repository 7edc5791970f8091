package io.polis.runtime.process;

import static org.awaitility.Awaitility.await;

import io.polis.node.MemberId;
import io.polis.node.MemberIdFile;
import io.polis.raft.RaftRole;
import io.polis.runtime.process.MemberProcess.Status;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A Raft group whose members are {@link RaftMemberProcess} JVMs on 127.0.0.1, each with a data directory
 * under one root. Ports are chosen before any member starts and passed to every member as the first voters'
 * addresses (static-voters formation), so a restarted member comes back at its old address, on its old disk
 * or, after {@link #wipe}, as a new member.
 *
 * <p>Used from one test thread; {@link #running()} may also be read by a load thread.
 */
final class RaftProcessCluster implements AutoCloseable {

  /** How long a JVM may take to start: generous, as the machine may be busy with other work. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /** How long an election or a catch-up may take on a busy machine. */
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

  /** Linux's default start of the ephemeral port range; other systems start higher. */
  private static final int LINUX_EPHEMERAL_START = 32768;

  /** One member: its identity, address and disk survive its processes. */
  static final class Member {
    private final int index;
    private final Path dataDir;
    private final int port;
    private final Path log;
    private MemberId id;
    private volatile @Nullable MemberProcess process;

    private Member(int index, Path dataDir, int port, Path log) {
      this.index = index;
      this.dataDir = dataDir;
      this.port = port;
      this.log = log;
      this.id = MemberIdFile.loadOrCreate(dataDir);
    }

    /** @return the id its data directory holds (a new one after {@link RaftProcessCluster#wipe}) */
    MemberId id() {
      return id;
    }

    /** @return the running process */
    MemberProcess process() {
      MemberProcess p = process;
      if (p == null) {
        throw new IllegalStateException(this + " is not running");
      }
      return p;
    }

    /** @return whether a process runs for this member */
    boolean running() {
      return process != null;
    }

    @Override
    public String toString() {
      return "member-" + index + " (" + id.shortForm() + " on port " + port + ")";
    }
  }

  private final List<Member> members = new ArrayList<>();
  private final String voters;

  private RaftProcessCluster(Path root, int size) {
    List<Integer> ports = freePorts(size);
    for (int i = 0; i < size; i++) {
      members.add(new Member(i, root.resolve("member-" + i), ports.get(i), root.resolve("member-" + i + ".log")));
    }
    voters = members.stream().map(m -> "127.0.0.1:" + m.port).collect(Collectors.joining(","));
  }

  /**
   * Creates the members' ids and chooses their ports, then starts them all and waits until each can take
   * commands (not until a leader is elected).
   *
   * @param root where the data directories and logs go
   * @param size the number of voters
   * @return the running cluster
   */
  static RaftProcessCluster start(Path root, int size) {
    RaftProcessCluster cluster = new RaftProcessCluster(root, size);
    try {
      cluster.start(cluster.members);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** @return every member, running or not, in start order */
  List<Member> members() {
    return members;
  }

  /** @return the members whose process runs now */
  List<Member> running() {
    return members.stream().filter(Member::running).toList();
  }

  /**
   * Starts (or restarts) members on their data directories and ports, all at once, and waits until each
   * can take commands.
   *
   * @param toStart members that do not run now
   */
  void start(List<Member> toStart) {
    // Launched together and awaited afterwards: JVM start-up is most of the time, and it overlaps.
    for (Member m : toStart) {
      if (m.running()) {
        throw new IllegalStateException(m + " already runs");
      }
      m.process = MemberProcess.start(m.toString(), command(m), m.log);
    }
    for (Member m : toStart) {
      MemberId announced = m.process().awaitReady(START_TIMEOUT);
      if (!announced.equals(m.id)) {
        throw new IllegalStateException(m + " announced id " + announced + ", not the one in its data directory");
      }
    }
  }

  /**
   * Kills a member with SIGKILL and waits until it is gone.
   *
   * @param m a running member
   * @return its exit status (137 when the signal killed it)
   */
  int kill(Member m) {
    int status = m.process().kill();
    m.process = null;
    return status;
  }

  /**
   * Sends SIGKILL to every running member before waiting for any, so that none outlives the others by more
   * than the time the signals take.
   *
   * @return the exit statuses, in member order
   */
  List<Integer> killAll() {
    List<Member> victims = running();
    victims.forEach(m -> m.process().destroyForcibly());
    List<Integer> statuses = new ArrayList<>();
    for (Member m : victims) {
      statuses.add(kill(m));
    }
    return statuses;
  }

  /**
   * Empties a stopped member's data directory and creates a new id in it, as for a machine that comes
   * back without its disk. The member keeps its port; the other members still list its old id there.
   *
   * @param m a member that does not run
   */
  void wipe(Member m) {
    if (m.running()) {
      throw new IllegalStateException(m + " runs; kill it first");
    }
    try (Stream<Path> files = Files.walk(m.dataDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty " + m.dataDir, e);
    }
    m.id = MemberIdFile.loadOrCreate(m.dataDir);
  }

  /**
   * Asks a running member for its status.
   *
   * @param m the member
   * @return its answer
   */
  static Status status(Member m) {
    try {
      return m.process().status().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("no status from " + m, e);
    }
  }

  /**
   * Waits until every running member follows one leader in one term, and that leader says it leads.
   *
   * @return the leader
   */
  Member awaitAgreedLeader() {
    return await("a leader all running members agree on").atMost(SETTLE_TIMEOUT)
        .pollInterval(Duration.ofMillis(100)).until(this::agreedLeader, Objects::nonNull);
  }

  private @Nullable Member agreedLeader() {
    List<Member> up = running();
    List<Status> statuses = up.stream().map(RaftProcessCluster::status).toList();
    Status first = statuses.get(0);
    if (first.leader() == null || statuses.stream().anyMatch(s -> s.term() != first.term()
        || !first.leader().equals(s.leader()))) {
      return null;
    }
    for (int i = 0; i < up.size(); i++) {
      if (up.get(i).id.equals(first.leader())) {
        return statuses.get(i).role() == RaftRole.LEADER ? up.get(i) : null;
      }
    }
    return null;
  }

  /**
   * Waits until a member has applied everything the leader had committed when the wait began.
   *
   * @param m the member
   * @param leader the leader
   */
  void awaitCaughtUp(Member m, Member leader) {
    long commit = status(leader).commit();
    await(m + " applies up to the leader's commit " + commit).atMost(SETTLE_TIMEOUT)
        .pollInterval(Duration.ofMillis(100)).until(() -> status(m).applied() >= commit);
  }

  /** Waits until every running member has applied the same index, which is also every one's commit index. */
  void awaitConverged() {
    await("every running member applied the same log").atMost(SETTLE_TIMEOUT).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          Set<Long> positions = new HashSet<>();
          for (Member m : running()) {
            Status s = status(m);
            positions.add(s.commit());
            positions.add(s.applied());
          }
          return positions.size() == 1;
        });
  }

  /** Stops every running member cleanly (end of stdin), killing any that does not exit in time. */
  @Override
  public void close() {
    for (Member m : running()) {
      m.process().close();
      m.process = null;
    }
  }

  private List<String> command(Member m) {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Surefire may run tests from a manifest-only jar that sits in a temporary directory; its real class
    // path is in this property, and works for a child JVM whatever happens to that jar.
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
        "-Dlogback.configurationFile=io/polis/runtime/process/member-logback.xml",
        "-cp", classPath, RaftMemberProcess.class.getName(), m.dataDir.toString(), Integer.toString(m.port), voters);
  }

  /**
   * Chooses ports that are free now, below the range the kernel hands out to outgoing connections: a
   * member's port stays unbound while it is down, and an ephemeral port could be taken there by one of the
   * survivors' reconnection attempts, so the restart would fail to bind.
   */
  private static List<Integer> freePorts(int count) {
    int below = ephemeralRangeStart();
    List<Integer> ports = new ArrayList<>();
    for (int attempt = 0; ports.size() < count && attempt < 1000; attempt++) {
      int candidate = ThreadLocalRandom.current().nextInt(below / 2, below);
      if (!ports.contains(candidate) && bindable(candidate)) {
        ports.add(candidate);
      }
    }
    if (ports.size() < count) {
      throw new IllegalStateException("found only " + ports.size() + " free ports below " + below);
    }
    return ports;
  }

  private static boolean bindable(int port) {
    try {
      new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeralRangeStart() {
    // Read by line: procfs files claim a size of 0, and a read sized from that came back truncated to one
    // byte on some kernels.
    try (BufferedReader range = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      int start = Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
      return start >= 2048 ? start : LINUX_EPHEMERAL_START;
    } catch (IOException | RuntimeException e) {
      return LINUX_EPHEMERAL_START;
    }
  }
}
