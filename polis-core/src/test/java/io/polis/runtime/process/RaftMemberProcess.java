package io.polis.runtime.process;

import io.polis.KeyValueStore;
import io.polis.kv.KvStateMachine;
import io.polis.kv.ReplicatedKeyValueStore;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.node.MemberIdFile;
import io.polis.membership.MembershipConfig;
import io.polis.membership.SeedProvider;
import io.polis.membership.SwimMembership;
import io.polis.raft.Configuration;
import io.polis.raft.FileRaftStorage;
import io.polis.raft.FileSnapshotStore;
import io.polis.raft.FileStorageConfig;
import io.polis.raft.RaftStatus;
import io.polis.runtime.MessageRouter;
import io.polis.runtime.ProtocolThread;
import io.polis.runtime.RaftDriver;
import io.polis.runtime.RaftDriverConfig;
import io.polis.runtime.SnapshotPolicy;
import io.polis.runtime.formation.Autopilot;
import io.polis.runtime.formation.AutopilotConfig;
import io.polis.runtime.formation.BootstrapDecision;
import io.polis.runtime.formation.ClusterFormation;
import io.polis.runtime.formation.FormationConfig;
import io.polis.time.Clock;
import io.polis.transport.TransportConfig;
import io.polis.transport.netty.NettyTransport;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Raft member with a key-value store in a JVM of its own, on a {@link FileRaftStorage} that forces
 * every save ({@link FileStorageConfig.SyncPolicy#ALWAYS}), so that tests can kill it with SIGKILL and
 * restart it on its data directory. {@link RaftProcessCluster} starts and drives it.
 *
 * <p>Arguments: the data directory, the TCP port to bind on 127.0.0.1, and the first voters' addresses as
 * comma-separated {@code host:port}. The member id is the one kept in the data directory
 * ({@link MemberIdFile}), created if there is none: a member started on an empty directory is a new member,
 * whatever address it binds. The member runs SWIM membership (seeded with the first voters' addresses),
 * forms its group through {@link ClusterFormation} in static-voters mode, and runs {@link Autopilot}: a
 * member restarted without its data joins under its new id, and the leader replaces its old identity.
 *
 * <p>The line protocol, one command per stdin line and one answer per stdout line. Requests are
 * asynchronous, so answers may come in another order than the commands (a caller keeps one request per
 * key in flight); each answer is written whole.
 * <pre>
 *   (at start)       ready &lt;memberId&gt;
 *   put &lt;key&gt; &lt;value&gt;  ok put &lt;key&gt; &lt;value&gt; &lt;index&gt;  |  err put &lt;key&gt; &lt;reason&gt;
 *   get &lt;key&gt;        ok get &lt;key&gt; &lt;value|-&gt; &lt;version&gt;  |  err get &lt;key&gt; &lt;reason&gt;   (linearizable)
 *   status           status &lt;role&gt; &lt;term&gt; &lt;leader id|-&gt; &lt;commit&gt; &lt;applied&gt; &lt;voter ids,...|-&gt;
 * </pre>
 * A reason starts with the exception's simple name ({@code NotLeaderException: ...}). Keys and values
 * are single words. At the end of stdin the member stops cleanly and exits with status 0. Logs go to
 * stderr (configured by {@code member-logback.xml} beside this class), never to stdout.
 */
public final class RaftMemberProcess {

  /** The transport's cluster name; every member of a test cluster uses it. */
  static final String CLUSTER_NAME = "raft-processes";

  private static final Logger log = LoggerFactory.getLogger(RaftMemberProcess.class);

  /**
   * Snapshots every 200 entries, so that the kill tests restart members from snapshots and send them to
   * members that were down while the others compacted.
   */
  static final RaftDriverConfig CONFIG = RaftDriverConfig.defaults()
      .withSnapshots(SnapshotPolicy.defaults().withEvery(200, 50).withChunkBytes(64 * 1024));

  private final PrintStream out;
  private final RaftDriver driver;
  private final KeyValueStore store;

  private RaftMemberProcess(PrintStream out, RaftDriver driver, KeyValueStore store) {
    this.out = out;
    this.driver = driver;
    this.store = store;
  }

  /**
   * Runs a member until stdin ends.
   *
   * @param args data directory, port, initial voters
   * @throws Exception if the member cannot start or stop
   */
  public static void main(String[] args) throws Exception {
    // Taken before anything can log or print: stdout belongs to the protocol, and a stray line written
    // by a library would be read as an answer.
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    System.setOut(System.err);
    if (args.length != 3) {
      System.err.println("usage: RaftMemberProcess <data dir> <port> <host:port,...>");
      System.exit(2);
    }
    Path dataDir = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    List<Address> firstVoters = parseAddresses(args[2]);

    MemberId id = MemberIdFile.loadOrCreate(dataDir);
    FileRaftStorage storage = FileRaftStorage.open(dataDir.resolve("raft"),
        FileStorageConfig.builder().syncPolicy(FileStorageConfig.SyncPolicy.ALWAYS).build(), Clock.system());
    NettyTransport transport = new NettyTransport(TransportConfig.builder(id).clusterName(CLUSTER_NAME)
        .bindHost("127.0.0.1").port(port).advertisedAddress(new Address("127.0.0.1", port)).ioThreads(1)
        // A killed peer comes back within seconds; the default 10 s ceiling would leave it unreached long
        // after it listens again.
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .shutdownTimeout(Duration.ofSeconds(1)).build());
    ProtocolThread membershipThread = new ProtocolThread("polis-membership-" + id.shortForm());
    ProtocolThread formationThread = new ProtocolThread("polis-formation-" + id.shortForm());
    ExecutorService completions = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "polis-raft-completions");
      t.setDaemon(true);
      return t;
    });
    MessageRouter router = new MessageRouter();
    transport.start(router).join();
    SwimMembership membership = new SwimMembership(MembershipConfig.builder().seeds(SeedProvider.of(firstVoters))
        .build(), transport, Clock.system(), membershipThread, new SplittableRandom(), completions);
    router.routeMembership(membership::onMessage);
    membership.start().join();

    // The first voters are whoever answers at the listed addresses; a member restarted without its data
    // (a new id) sees the formed cluster and waits to be added by the leader's autopilot.
    ClusterFormation formation = new ClusterFormation(FormationConfig.staticVoters(firstVoters), membership,
        storage, formationThread);
    BootstrapDecision.Outcome outcome = formation.start().get(60, TimeUnit.SECONDS);
    KvStateMachine stateMachine = new KvStateMachine();
    ExecutorService snapshotIo = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "polis-raft-snapshots");
      t.setDaemon(true);
      return t;
    });
    FileSnapshotStore snapshots = FileSnapshotStore.open(dataDir.resolve("snapshots"));
    RaftDriver driver = new RaftDriver(CONFIG, id, storage, Configuration.EMPTY, stateMachine, snapshots, snapshotIo,
        Runnable::run, transport, transport.eventLoopScheduler(), Clock.system(), completions, new SplittableRandom());
    router.routeRaft(driver::onMessage);
    driver.start();
    formation.watch(driver);
    Autopilot autopilot = new Autopilot(AutopilotConfig.defaults(), driver, membership, formationThread,
        Clock.system());
    autopilot.start();
    log.info("{} runs as a process on port {}, data in {} ({})", id.shortForm(), port, dataDir,
        outcome.getClass().getSimpleName());

    RaftMemberProcess member = new RaftMemberProcess(out, driver, new ReplicatedKeyValueStore(driver, stateMachine));
    member.println("ready " + id);
    member.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));

    log.info("{} reached the end of stdin; stopping", id.shortForm());
    autopilot.close();
    formation.close();
    membership.stop();
    stop(driver, transport, storage, completions);
    snapshotIo.shutdown();
    snapshotIo.awaitTermination(5, TimeUnit.SECONDS);
    snapshots.close(); // after the snapshot thread, which may still be writing one
    membershipThread.close();
    formationThread.close();
    out.flush();
    // Netty's or the JDK's non-daemon threads must not keep a finished member alive.
    System.exit(0);
  }

  /** Parses {@code host:port,...}; an {@code id@} prefix, as older scripts wrote, is ignored. */
  static List<Address> parseAddresses(String text) {
    List<Address> addresses = new ArrayList<>();
    for (String voter : text.split(",")) {
      addresses.add(Address.parse(voter.substring(voter.indexOf('@') + 1)));
    }
    return addresses;
  }

  private void serve(BufferedReader in) throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split(" ");
      try {
        handle(words);
      } catch (RuntimeException e) {
        // A bad argument (an over-long key, say) is answered, not fatal: the caller is a test.
        println("err " + String.join(" ", words) + " " + reason(e));
      }
    }
  }

  private void handle(String[] words) {
    switch (words[0]) {
      case "put" -> {
        requireWords(words, 3);
        String key = words[1];
        String value = words[2];
        store.put(key, value.getBytes(StandardCharsets.UTF_8)).whenComplete((result, error) -> println(error == null
            ? "ok put " + key + " " + value + " " + result.index()
            : "err put " + key + " " + reason(error)));
      }
      case "get" -> {
        requireWords(words, 2);
        String key = words[1];
        store.get(key).whenComplete((result, error) -> println(error == null
            ? "ok get " + key + " " + (result.isPresent() ? new String(result.value(), StandardCharsets.UTF_8) : "-")
                + " " + result.version()
            : "err get " + key + " " + reason(error)));
      }
      case "status" -> {
        RaftStatus s = driver.status();
        println("status " + s.role() + " " + s.term() + " " + (s.leader() == null ? "-" : s.leader()) + " "
            + s.commitIndex() + " " + s.appliedIndex() + " " + (s.configuration().voters().isEmpty() ? "-"
            : s.configuration().voters().keySet().stream().map(MemberId::toString).collect(Collectors.joining(","))));
      }
      default -> throw new IllegalArgumentException("unknown command");
    }
  }

  private static void requireWords(String[] words, int count) {
    if (words.length != count) {
      throw new IllegalArgumentException(words[0] + " takes " + (count - 1) + " arguments");
    }
  }

  private static String reason(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return (cause.getClass().getSimpleName() + ": " + cause.getMessage()).replace('\n', ' ');
  }

  /** Answers come from the stdin thread and the completion thread; each must reach the pipe whole. */
  private void println(String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  private static void stop(RaftDriver driver, NettyTransport transport, FileRaftStorage storage,
      ExecutorService completions) throws InterruptedException {
    driver.close();
    // close() only queues its work on the driver's event loop; wait for it before stopping the transport,
    // whose loop would drop it, and before closing the storage the driver writes to.
    CompletableFuture<Void> driverStopped = new CompletableFuture<>();
    transport.eventLoopScheduler().execute(() -> driverStopped.complete(null));
    try {
      driverStopped.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("the driver did not stop within 5 s: {}", e.toString());
    }
    transport.close();
    storage.close();
    completions.shutdown();
    completions.awaitTermination(5, TimeUnit.SECONDS);
  }
}
