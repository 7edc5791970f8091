package io.polis.membership;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.time.Clock;
import io.polis.time.Scheduler;
import io.polis.transport.PeerInfo;
import io.polis.transport.Transport;
import io.polis.wire.Ack;
import io.polis.wire.MemberUpdate;
import io.polis.wire.Nack;
import io.polis.wire.PeerMessage;
import io.polis.wire.Ping;
import io.polis.wire.PingReq;
import io.polis.wire.PushPull;
import io.polis.wire.SwimMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SWIM membership engine with the Lifeguard refinements. Every state change happens on the
 * {@link Scheduler}'s thread: inbound messages and API calls hop onto it, timers run on it. Reads are
 * served from an immutable snapshot republished after each change.
 *
 * <p>The owner starts the transport and routes {@link SwimMessage}s to {@link #onMessage}; then calls
 * {@link #start()}.
 */
public final class SwimMembership implements ClusterMembership {

  private static final Logger log = LoggerFactory.getLogger(SwimMembership.class);

  final MembershipConfig config;
  final Transport transport;
  final Clock clock;
  final Scheduler scheduler;
  final RandomGenerator random;
  final MemberTable table;
  final LocalHealth health;
  final String node;

  private final Dissemination dissemination;
  private final EventDispatcher events;
  private final Suspicions suspicions;
  private final Prober prober;
  private final Joiner joiner;
  private final Gossiper gossiper;
  private volatile Map<MemberId, Member> view;
  private long publishedVersion = -1;
  private boolean running;
  private boolean left;

  /**
   * Creates the engine; nothing happens until {@link #start()}.
   *
   * @param config the settings
   * @param transport a started transport, used to send; inbound messages arrive through {@link #onMessage}
   * @param clock the clock
   * @param scheduler the one thread this engine runs on
   * @param random the source of every random choice (seeded in the simulator)
   * @param eventExecutor runs listener callbacks one at a time, in order
   */
  public SwimMembership(MembershipConfig config, Transport transport, Clock clock, Scheduler scheduler,
      RandomGenerator random, Executor eventExecutor) {
    this.config = Objects.requireNonNull(config, "config");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.random = Objects.requireNonNull(random, "random");
    this.node = transport.localId().shortForm();
    this.table = new MemberTable(transport.localId(), transport.localAddress(), config.metadata(), clock.nanos());
    this.health = new LocalHealth(config.maxLocalHealth());
    this.dissemination = new Dissemination(config.retransmitMultiplier());
    this.events = new EventDispatcher(eventExecutor);
    this.suspicions = new Suspicions(this);
    this.prober = new Prober(this);
    this.joiner = new Joiner(this);
    this.gossiper = new Gossiper(this);
    this.view = Map.of(transport.localId(), table.local().snapshot());
  }

  /**
   * Starts probing, gossiping and joining through the seeds.
   *
   * @return a future that completes once the engine runs (joining continues in the background)
   */
  public CompletableFuture<Void> start() {
    CompletableFuture<Void> started = new CompletableFuture<>();
    scheduler.execute(() -> {
      if (!running && !left) {
        running = true;
        log.info("{} membership started at {} (probe every {}, seeds {})", node, table.local().address,
            config.probeInterval(), safeSeeds());
        prober.start();
        joiner.start();
        gossiper.start();
      }
      started.complete(null);
    });
    return started;
  }

  /**
   * Stops every timer without announcing anything, as a crash would. Use {@link #leave()} first for a
   * graceful departure.
   */
  public void stop() {
    scheduler.execute(() -> running = false);
  }

  /**
   * Accepts a message from the transport; safe to call from a transport thread.
   *
   * @param from the authenticated sender
   * @param message the message
   */
  public void onMessage(PeerInfo from, SwimMessage message) {
    scheduler.execute(() -> {
      if (running) {
        handle(from, message);
        publishView();
      }
    });
  }

  private void handle(PeerInfo from, SwimMessage message) {
    boolean fromPushPull = message instanceof PushPull;
    for (MemberUpdate u : message.updates()) {
      apply(fromPushPull ? softenDeath(u, from.memberId()) : u);
    }
    suspicions.tellIfSuspected(from);
    if (message instanceof Ping ping) {
      if (ping.target().equals(table.local().id)) {
        send(from.advertisedAddress(), new Ack(ping.seq(), table.local().id, gossipFor(from.memberId())));
      }
    } else if (message instanceof Ack ack) {
      prober.onAck(ack);
    } else if (message instanceof Nack nack) {
      prober.onNack(nack);
    } else if (message instanceof PingReq req) {
      prober.relay(from, req);
    } else if (message instanceof PushPull pushPull && !pushPull.reply()) {
      send(from.advertisedAddress(), new PushPull(true, false, fullState()));
    }
  }

  /**
   * A full-state exchange may carry an old verdict from the other side of a healed partition; a death
   * claim from it only makes the member suspect here, which gives a live member time to refute.
   */
  private MemberUpdate softenDeath(MemberUpdate u, MemberId source) {
    return u.status() == MemberUpdate.Status.DEAD
        ? new MemberUpdate(MemberUpdate.Status.SUSPECT, u.member(), u.address(), u.incarnation(), u.metadata(), source)
        : u;
  }

  /** Applies one update and everything it entails: gossip, events, suspicion timers, refutation. */
  void apply(MemberUpdate update) {
    long now = clock.nanos();
    MemberTable.Applied applied = table.apply(update, now);
    handleApplied(applied, update);
    if (applied.event() instanceof MembershipEvent.Joined joined) {
      MemberRecord newcomer = table.get(joined.member().id());
      if (newcomer != null) {
        for (MemberTable.Applied replaced : table.replaceSameAddress(newcomer, now)) {
          handleApplied(replaced, replaced.gossip());
        }
      }
    }
  }

  private void handleApplied(MemberTable.Applied applied, MemberUpdate update) {
    if (applied.gossip() != null) {
      dissemination.enqueue(applied.gossip());
    }
    if (applied.refuted()) {
      health.apply(1);
      gossiper.gossipNow(); // the suspicion is already spreading; the refutation must outrun it
      log.warn("{} was {} by {} at incarnation {}; refuted with incarnation {}", node,
          update.status() == MemberUpdate.Status.SUSPECT ? "suspected" : "declared down",
          update.source().shortForm(), update.incarnation(), table.local().incarnation);
    }
    if (applied.suspect()) {
      MemberRecord r = table.get(update.member());
      if (r != null && suspicions.suspect(r, update.source()) && applied.gossip() == null) {
        // A new, independent confirmation: pass it on so the others' timers shrink too (Lifeguard).
        dissemination.enqueue(update);
      }
    }
    MembershipEvent event = applied.event();
    if (event != null) {
      logEvent(event, update);
      events.publish(event);
    }
  }

  private void logEvent(MembershipEvent event, MemberUpdate cause) {
    Member m = event.member();
    if (event instanceof MembershipEvent.Down) {
      log.warn("{} member {} is down (declared by {})", node, m, cause.source().shortForm());
    } else if (event instanceof MembershipEvent.Suspected) {
      log.info("{} member {} is suspect (reported by {})", node, m, cause.source().shortForm());
    } else if (event instanceof MembershipEvent.MetadataUpdated) {
      log.debug("{} member {} updated its metadata", node, m);
    } else {
      log.info("{} member {} {}", node, m, event instanceof MembershipEvent.Joined ? "joined"
          : event instanceof MembershipEvent.Left ? "left" : "refuted its suspicion");
    }
  }

  /** Called by the prober when a probe got no ack, directly or indirectly. */
  void probeFailed(MemberRecord target) {
    apply(new MemberUpdate(MemberUpdate.Status.SUSPECT, target.id, target.address, target.incarnation,
        target.metadata, table.local().id));
  }

  /**
   * The updates to piggyback on a message to {@code recipient}. Two go first: the sender's own state,
   * so a member that suspects the sender learns the refutation from the best source whenever the sender
   * talks to it; and, Lifeguard's buddy system, our suspicion of the recipient, so a suspected member
   * hears of it from whoever talks to it and can refute at once.
   */
  List<MemberUpdate> gossipFor(MemberId recipient) {
    int max = config.maxPiggyback();
    List<MemberUpdate> updates = new ArrayList<>(max);
    updates.add(table.local().toUpdate(table.local().id));
    MemberRecord r = table.get(recipient);
    if (r != null && r.state == MemberState.SUSPECT) {
      updates.add(r.toUpdate(table.local().id));
    }
    updates.addAll(dissemination.take(max - updates.size(), table.liveCount()));
    return updates;
  }

  boolean hasNews() {
    return dissemination.size() > 0;
  }

  List<MemberUpdate> fullState() {
    List<MemberUpdate> state = new ArrayList<>();
    for (MemberRecord r : table.all()) {
      state.add(r.toUpdate(table.local().id));
    }
    return state;
  }

  void send(Address to, PeerMessage message) {
    transport.send(to, message).whenComplete((v, e) -> {
      if (e != null && log.isTraceEnabled()) {
        log.trace("{} could not send {} to {}: {}", node, message.type(), to, e.getMessage());
      }
    });
  }

  boolean running() {
    return running;
  }

  List<Address> safeSeeds() {
    try {
      return config.seeds().seeds();
    } catch (RuntimeException e) {
      log.warn("{} seed provider failed: {}", node, e.toString());
      return List.of();
    }
  }

  /** Republishes the read snapshot if anything changed since the last one: O(n log n), so not per message. */
  void publishView() {
    long version = table.version();
    if (version == publishedVersion) {
      return;
    }
    publishedVersion = version;
    // In member-id order, not Map.copyOf's: its iteration order changes from one JVM to the next, and
    // callers that pick "the first" live member would then make a seeded simulation unrepeatable.
    List<MemberRecord> records = new ArrayList<>(table.all());
    records.sort(Comparator.comparing(r -> r.id));
    Map<MemberId, Member> next = new LinkedHashMap<>();
    for (MemberRecord r : records) {
      next.put(r.id, r.snapshot());
    }
    view = Collections.unmodifiableMap(next);
  }

  /** @return the current Lifeguard local-health score (0 = healthy) */
  public int localHealth() {
    return health.score();
  }

  @Override
  public Member local() {
    return Objects.requireNonNull(view.get(table.local().id));
  }

  @Override
  public Collection<Member> members() {
    return view.values().stream().filter(m -> m.state().isLive()).toList();
  }

  @Override
  public Optional<Member> member(MemberId id) {
    return Optional.ofNullable(view.get(id));
  }

  @Override
  public CompletableFuture<Void> updateMetadata(Map<String, String> metadata) {
    Map<String, String> checked = MemberUpdate.checkMetadata(metadata);
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(() -> {
      dissemination.enqueue(table.bumpLocal(checked));
      publishView();
      done.complete(null);
    });
    return done;
  }

  @Override
  public CompletableFuture<Void> leave() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(() -> {
      if (left) {
        done.complete(null);
        return;
      }
      left = true;
      running = false;
      MemberUpdate leaving = table.leaveLocal(clock.nanos());
      List<CompletableFuture<Void>> sends = new ArrayList<>();
      for (MemberRecord peer : table.livePeers()) {
        sends.add(transport.send(peer.address, new PushPull(true, false, List.of(leaving))));
      }
      publishView();
      log.info("{} left the cluster, told {} members", node, sends.size());
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).handle((v, e) -> done.complete(null));
    });
    return done;
  }

  @Override
  public void addListener(MembershipListener listener) {
    events.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(MembershipListener listener) {
    events.remove(listener);
  }
}
