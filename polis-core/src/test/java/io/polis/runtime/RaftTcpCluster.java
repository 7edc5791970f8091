package io.polis.runtime;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.InMemoryRaftStorage;
import io.polis.raft.InMemorySnapshotStore;
import io.polis.raft.RaftStorage;
import io.polis.raft.SnapshotStore;
import io.polis.raft.RaftRole;
import io.polis.raft.StateMachine;
import io.polis.time.Clock;
import io.polis.transport.Transport;
import io.polis.transport.TransportConfig;
import io.polis.transport.netty.NettyTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A Raft group of real members in this JVM: each with its own TCP transport on 127.0.0.1 (ephemeral
 * port, one event loop), driver (on that event loop, or on a thread of its own: {@link DriverThread}),
 * thread for its own log forces when it leads, and storage. Used by the TCP tests
 * and by the benchmarks (test-jar).
 */
public final class RaftTcpCluster implements AutoCloseable {

  /** Where each member's Raft driver runs. */
  public enum DriverThread {
    /** On the event loop of the member's transport: no thread hand-off between the socket and the driver. */
    EVENT_LOOP,
    /** On a {@link ProtocolThread} of its own, which the transport's event loop hands messages to. */
    OWN_THREAD;

    /**
     * Reads {@code -Dpolis.raft.driverThread=event-loop|own-thread} (default event-loop), so that a
     * benchmark can compare the two.
     *
     * @return the choice
     */
    public static DriverThread fromSystemProperty() {
      String value = System.getProperty("polis.raft.driverThread", "event-loop");
      return switch (value) {
        case "event-loop" -> EVENT_LOOP;
        case "own-thread" -> OWN_THREAD;
        default -> throw new IllegalArgumentException(
            "-Dpolis.raft.driverThread must be event-loop or own-thread, was " + value);
      };
    }
  }

  /** One member. */
  public static final class Member {
    private final MemberId id;
    private final int index;
    private Transport transport;
    private MessageRouter router = new MessageRouter();
    private final DriverThread driverThread;
    private @Nullable ProtocolThread thread;
    private io.polis.time.Scheduler scheduler;
    /**
     * Where the member, when it leads, forces its own log: on a thread of its own next to a driver thread
     * of its own; on the event loop (after its AppendRequests went out), with a driver there. Measured on
     * two cores: a force thread that must first be woken starts the force later than the loop would,
     * and competes with the event loops for the cores (docs/benchmarks.md, session 5).
     */
    private @Nullable ExecutorService logForces;
    private java.util.concurrent.Executor forceExecutor;
    private RaftStorage storage;
    private @Nullable RaftDriver driver;
    private @Nullable StateMachine stateMachine;
    private SnapshotStore snapshots;
    private boolean stopped;
    private Address address;

    Member(int index, DriverThread driverThread) {
      this.id = MemberId.random();
      this.index = index;
      this.driverThread = driverThread;
      bind(0);
    }

    private void bind(int port) {
      NettyTransport netty = new NettyTransport(TransportConfig.builder(id).clusterName("raft-tcp")
          .bindHost("127.0.0.1").port(port).ioThreads(1).shutdownTimeout(Duration.ofSeconds(1)).build());
      transport = netty;
      router = new MessageRouter();
      transport.start(router).join();
      address = transport.localAddress();
      if (driverThread == DriverThread.EVENT_LOOP) {
        thread = null;
        logForces = null;
        scheduler = netty.eventLoopScheduler();
        forceExecutor = Runnable::run;
      } else {
        thread = new ProtocolThread("polis-raft-" + index);
        scheduler = thread;
        ExecutorService forces = Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "polis-raft-forces-" + index);
          t.setDaemon(true);
          return t;
        });
        logForces = forces;
        forceExecutor = forces;
      }
    }

    /** @return the member id */
    public MemberId id() {
      return id;
    }

    /** @return the member's address */
    public Address address() {
      return address;
    }

    /** @return the member's driver */
    public RaftDriver driver() {
      return driver;
    }

    /** @return the member's log storage */
    public RaftStorage storage() {
      return storage;
    }

    /** @return the member's snapshot store, the one its driver uses (a directory admits only one) */
    public SnapshotStore snapshots() {
      return snapshots;
    }

    /** @return the member's state machine */
    public StateMachine stateMachine() {
      return stateMachine;
    }

    /** @return whether {@link #kill()} was called */
    public boolean stopped() {
      return stopped;
    }

    /**
     * Stops abruptly: sockets closed, no goodbye, the thread dropped. The stores are closed only to
     * release their directory locks for a restart; a file store forces nothing more on close than a killed
     * process's kernel would have written anyway (the multi-process tests do the real kill -9).
     */
    public void kill() {
      stopped = true;
      if (thread != null) {
        thread.close();
      }
      transport.close(); // also stops a driver on its event loop
      storage.close(); // waits for a force under way
      snapshots.close(); // waits for a save under way on the shared snapshot thread
      if (logForces != null) {
        logForces.shutdownNow();
      }
    }
  }

  private final List<Member> members = new ArrayList<>();
  private final ExecutorService snapshotIo = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "polis-raft-snapshots");
    t.setDaemon(true);
    return t;
  });
  private final ExecutorService completions = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "polis-raft-completions");
    t.setDaemon(true);
    return t;
  });

  /**
   * Starts {@code size} members as one group.
   *
   * @param size the number of voters
   * @param config the driver settings
   * @param stateMachines makes each member's state machine
   */
  public RaftTcpCluster(int size, RaftDriverConfig config, Supplier<? extends StateMachine> stateMachines) {
    this(size, config, stateMachines, i -> new InMemoryRaftStorage());
  }

  /**
   * Starts {@code size} members as one group, in memory, with their drivers where the caller says.
   *
   * @param size the number of voters
   * @param config the driver settings
   * @param stateMachines makes each member's state machine
   * @param driverThread where the drivers run
   */
  public RaftTcpCluster(int size, RaftDriverConfig config, Supplier<? extends StateMachine> stateMachines,
      DriverThread driverThread) {
    this(size, config, stateMachines, i -> new InMemoryRaftStorage(), inMemorySnapshots(size), driverThread);
  }

  /**
   * Starts {@code size} members as one group on the storages given.
   *
   * @param size the number of voters
   * @param config the driver settings
   * @param stateMachines makes each member's state machine
   * @param storages opens member {@code i}'s storage; called again on a restart, after the old one was
   *     closed, so a file store reopens its directory
   */
  public RaftTcpCluster(int size, RaftDriverConfig config, Supplier<? extends StateMachine> stateMachines,
      IntFunction<? extends RaftStorage> storages) {
    this(size, config, stateMachines, storages, inMemorySnapshots(size));
  }

  /** One in-memory snapshot store per member, kept across its restarts as its log is. */
  private static IntFunction<SnapshotStore> inMemorySnapshots(int size) {
    List<SnapshotStore> stores = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      stores.add(new InMemorySnapshotStore());
    }
    return stores::get;
  }

  /**
   * Starts a cluster whose members keep their snapshots where the caller says.
   *
   * @param size the number of voters
   * @param config the driver settings
   * @param stateMachines makes each member's state machine
   * @param storages opens member {@code i}'s storage, again on a restart
   * @param snapshotStores opens member {@code i}'s snapshot store, again on a restart
   */
  public RaftTcpCluster(int size, RaftDriverConfig config, Supplier<? extends StateMachine> stateMachines,
      IntFunction<? extends RaftStorage> storages, IntFunction<? extends SnapshotStore> snapshotStores) {
    this(size, config, stateMachines, storages, snapshotStores, DriverThread.fromSystemProperty());
  }

  /**
   * Starts a cluster whose drivers run where the caller says.
   *
   * @param size the number of voters
   * @param config the driver settings
   * @param stateMachines makes each member's state machine
   * @param storages opens member {@code i}'s storage, again on a restart
   * @param snapshotStores opens member {@code i}'s snapshot store, again on a restart
   * @param driverThread where the drivers run
   */
  public RaftTcpCluster(int size, RaftDriverConfig config, Supplier<? extends StateMachine> stateMachines,
      IntFunction<? extends RaftStorage> storages, IntFunction<? extends SnapshotStore> snapshotStores,
      DriverThread driverThread) {
    this.storages = storages;
    this.snapshotStores = snapshotStores;
    Map<MemberId, Address> voters = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      Member m = new Member(i, driverThread);
      m.storage = storages.apply(i);
      m.snapshots = snapshotStores.apply(i);
      members.add(m);
      voters.put(m.id, m.address());
    }
    this.initial = new Configuration(voters, Map.of());
    this.config = config;
    this.stateMachines = stateMachines;
    for (Member m : members) {
      startDriver(m);
    }
  }

  private final IntFunction<? extends RaftStorage> storages;
  private final IntFunction<? extends SnapshotStore> snapshotStores;
  private final Configuration initial;
  private final RaftDriverConfig config;
  private final Supplier<? extends StateMachine> stateMachines;
  private final SplittableRandom seeds = new SplittableRandom();

  private void startDriver(Member m) {
    m.stateMachine = stateMachines.get();
    m.driver = new RaftDriver(config, m.id, m.storage, initial, m.stateMachine, m.snapshots, snapshotIo,
        m.forceExecutor, m.transport, m.scheduler, Clock.system(), completions, seeds.split());
    RaftDriver driver = m.driver;
    m.router.routeRaft(driver::onMessage);
    m.stopped = false;
    driver.start();
  }

  /**
   * Restarts a killed member at its old address on the log it kept; its state machine starts empty and
   * replays the log.
   *
   * @param m the member
   */
  public void restart(Member m) {
    if (!m.stopped) {
      throw new IllegalStateException(m.id.shortForm() + " is running");
    }
    m.bind(m.address().port());
    m.storage = storages.apply(m.index);
    m.snapshots = snapshotStores.apply(m.index);
    startDriver(m);
  }

  /** @return the members, in start order */
  public List<Member> members() {
    return members;
  }

  /** @return the running member that believes it leads with the highest term, or null */
  public @Nullable Member leader() {
    Member best = null;
    for (Member m : members) {
      if (!m.stopped && m.driver.status().role() == RaftRole.LEADER
          && (best == null || m.driver.status().term() > best.driver.status().term())) {
        best = m;
      }
    }
    return best;
  }

  /**
   * Returns the leader every running member agrees on (same term, same leader), or null.
   *
   * @return the agreed leader
   */
  public @Nullable Member agreedLeader() {
    Member leader = leader();
    if (leader == null) {
      return null;
    }
    long term = leader.driver.status().term();
    for (Member m : members) {
      if (!m.stopped && (m.driver.status().term() != term || !leader.id.equals(m.driver.status().leader()))) {
        return null;
      }
    }
    return leader;
  }

  @Override
  public void close() {
    for (Member m : members) {
      if (!m.stopped) {
        m.driver.close();
        m.kill();
      }
    }
    completions.shutdownNow();
    snapshotIo.shutdownNow();
  }
}
