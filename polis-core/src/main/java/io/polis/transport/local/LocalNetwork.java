package io.polis.transport.local;

import io.polis.node.Address;
import io.polis.transport.HandshakeRejectedException;
import io.polis.transport.PeerUnavailableException;
import io.polis.transport.TransportConfig;
import io.polis.time.Scheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory network that {@link LocalTransport}s send through: the medium of tests and of the
 * deterministic simulator, where many nodes share one thread, one {@link Scheduler} and one seeded
 * random generator.
 *
 * <p>Nothing is delivered inside the call that sends it: every delivery and every handshake outcome is
 * a task on the scheduler, so a handler that sends never re-enters the network. Every random decision
 * comes from the generator given here, so the same seed, the same configuration and the same calls in
 * the same order replay the same run, message for message.
 *
 * <p>Faults can be changed at any time and apply to messages sent from then on: {@link NetworkFaults}
 * for the whole network or per directed link, and blocks that cut directed links ({@link #block},
 * {@link #partition}, {@link #isolate}, undone by {@link #heal}). Blocks are checked when a message is
 * sent and again when it arrives, so a partition also swallows what was in flight. Messages on a blocked
 * link vanish silently, and the sender's future still succeeds, as a TCP write into a dead connection
 * would; but a new connection over a blocked link fails, after the connect timeout, with
 * {@link PeerUnavailableException}. A handshake only needs the direction of the connection to be open,
 * so that a one-way block stays one-way.
 *
 * <p><b>Threading.</b> Not thread-safe, on purpose: the network, its transports and their handlers must
 * all be driven from the scheduler's single thread (a simulated scheduler, or a single-threaded executor
 * with every call made from inside its tasks). Determinism would be lost with more threads anyway.
 */
public final class LocalNetwork {

  /** First port given to a transport configured with port 0: the start of the dynamic port range. */
  public static final int FIRST_EPHEMERAL_PORT = 49152;

  /** The host a transport bound to a wildcard interface advertises. */
  public static final String LOOPBACK_HOST = "127.0.0.1";

  private final Scheduler scheduler;
  private final Firewall firewall = new Firewall();
  private final Map<Link, NetworkFaults> linkFaults = new HashMap<>();
  private final Listeners listeners = new Listeners();
  private final Courier courier;
  private NetworkFaults faults = NetworkFaults.NONE;

  /**
   * Creates a network without faults.
   *
   * @param scheduler runs every delivery and handshake; its thread is the only one allowed to call the
   *     network
   * @param random the only source of randomness; a {@link java.util.Random} or
   *     {@link java.util.SplittableRandom} made from the run's seed. Share it with other components only
   *     if they too draw in a deterministic order
   */
  public LocalNetwork(Scheduler scheduler, RandomGenerator random) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.courier = new Courier(scheduler, Objects.requireNonNull(random, "random"), firewall, this::faults);
  }

  /**
   * Creates a transport for a node. Its address is the configured advertised address, or else the bind
   * host and port, with a wildcard host replaced by {@value #LOOPBACK_HOST}; port 0 is replaced by a
   * port no listening node uses, counting up from {@value #FIRST_EPHEMERAL_PORT}. The address is taken
   * only when the transport starts, so a restart is simply a new transport with the same configuration
   * (or the same address and a new member id), started after the old one shut down.
   *
   * @param config the node's configuration: member id, cluster name, secret, protocol version, address,
   *     frame limit, connect timeout and pending-message limit are honoured; the rest is TCP's business
   * @return a transport, not yet started
   */
  public LocalTransport transport(TransportConfig config) {
    Objects.requireNonNull(config, "config");
    return new LocalTransport(this, config, listeners.assign(config));
  }

  /**
   * Returns the faults applied to links without an override of their own.
   *
   * @return the network-wide faults
   */
  public NetworkFaults faults() {
    return faults;
  }

  /**
   * Sets the faults applied to links without an override, for messages sent from now on.
   *
   * @param value the network-wide faults; {@link NetworkFaults#NONE} for a perfect network
   */
  public void setFaults(NetworkFaults value) {
    faults = Objects.requireNonNull(value, "faults");
  }

  /**
   * Returns the faults applied to one directed link: its override, or the network-wide faults.
   *
   * @param from the sending address
   * @param to the receiving address
   * @return the faults in effect
   */
  public NetworkFaults faults(Address from, Address to) {
    return linkFaults.getOrDefault(new Link(from, to), faults);
  }

  /**
   * Overrides the faults of one directed link, for messages sent from now on. The other direction keeps
   * its own faults.
   *
   * @param from the sending address
   * @param to the receiving address
   * @param value the faults for this link only
   */
  public void setLinkFaults(Address from, Address to, NetworkFaults value) {
    linkFaults.put(new Link(from, to), Objects.requireNonNull(value, "faults"));
  }

  /**
   * Removes a link's override; the link follows the network-wide faults again.
   *
   * @param from the sending address
   * @param to the receiving address
   */
  public void clearLinkFaults(Address from, Address to) {
    linkFaults.remove(new Link(from, to));
  }

  /**
   * Cuts one direction of a link: messages from {@code from} to {@code to} vanish, the other direction
   * still works. Blocks add up until {@link #unblock} or {@link #heal}.
   *
   * @param from the sending address
   * @param to the receiving address
   */
  public void block(Address from, Address to) {
    firewall.block(from, to);
  }

  /**
   * Undoes {@link #block} for one direction. It does not undo {@link #isolate}.
   *
   * @param from the sending address
   * @param to the receiving address
   */
  public void unblock(Address from, Address to) {
    firewall.unblock(from, to);
  }

  /**
   * Cuts every link between addresses on different sides, both ways, for a partition of any shape.
   * Links within a side, and links of addresses named on no side, are left as they are. Adds to the
   * blocks already in place; {@link #heal} first to replace them.
   *
   * @param sides disjoint sets of addresses
   * @throws IllegalArgumentException if an address is on two sides
   */
  @SafeVarargs
  public final void partition(Set<Address>... sides) {
    // Validate everything before blocking anything, so a bad call leaves the network as it was.
    Set<Address> seen = new HashSet<>();
    for (Set<Address> side : sides) {
      for (Address address : side) {
        if (!seen.add(address)) {
          throw new IllegalArgumentException("address " + address + " is on two sides of the partition");
        }
      }
    }
    for (int i = 0; i < sides.length; i++) {
      for (int j = i + 1; j < sides.length; j++) {
        for (Address a : sides[i]) {
          for (Address b : sides[j]) {
            firewall.block(a, b);
            firewall.block(b, a);
          }
        }
      }
    }
  }

  /**
   * Cuts every link to and from an address, both ways, including links to nodes that start later. The
   * node can still reach itself.
   *
   * @param address the address to cut off
   */
  public void isolate(Address address) {
    firewall.isolate(Objects.requireNonNull(address, "address"));
  }

  /** Removes every block and isolation. Faults (loss, delay...) stay as they are. */
  public void heal() {
    firewall.heal();
  }

  /**
   * Tells whether messages from one address to another are dropped now.
   *
   * @param from the sending address
   * @param to the receiving address
   * @return true if the link is blocked or either end isolated
   */
  public boolean isBlocked(Address from, Address to) {
    return firewall.isBlocked(from, to);
  }

  /**
   * Returns the message counters since the network was created.
   *
   * @return a snapshot
   */
  public NetworkStats stats() {
    return courier.stats();
  }

  /** Takes the transport's address; returns why not if another running transport holds it. */
  @Nullable Throwable bind(LocalTransport transport) {
    return listeners.bind(transport);
  }

  void unbind(LocalTransport transport) {
    listeners.unbind(transport);
  }

  /**
   * Runs the handshake of a new connection. The outcome is decided now and reported in a scheduled task:
   * after the round trip of the links' minimum delays, or after the connect timeout when the link is
   * blocked. A peer that stops within that round trip yields a connection that is already dead; the
   * next send notices and reconnects.
   *
   * @param source the connecting transport
   * @param to the address to connect to
   * @return the connection, or a failure with {@link PeerUnavailableException} or
   *     {@link HandshakeRejectedException}
   */
  CompletableFuture<Connection> handshake(LocalTransport source, Address to) {
    CompletableFuture<Connection> outcome = new CompletableFuture<>();
    Address from = source.localAddress();
    if (firewall.isBlocked(from, to)) {
      Duration timeout = source.config().connectTimeout();
      scheduler.schedule(timeout, () -> outcome.completeExceptionally(new PeerUnavailableException(to,
          "connecting to " + to + " timed out after " + timeout + ": the link is blocked", null)));
      return outcome;
    }
    LocalTransport target = listeners.at(to);
    Duration roundTrip = faults(from, to).minDelay().plus(faults(to, from).minDelay());
    Runnable report;
    if (target == null) {
      PeerUnavailableException refused = new PeerUnavailableException(to,
          "connection to " + to + " refused: no node listens there", null);
      report = () -> outcome.completeExceptionally(refused);
    } else {
      HandshakeRejectedException rejected = Handshake.check(source.config(), target.config(), to).orElse(null);
      Connection connection = new Connection(source.identity(), target);
      report = rejected != null
          ? () -> outcome.completeExceptionally(rejected)
          : () -> outcome.complete(connection);
    }
    scheduler.schedule(roundTrip, report);
    return outcome;
  }

  /** Puts a message on a connection; see {@link Courier#transmit}. */
  void transmit(Connection connection, byte[] frame) {
    courier.transmit(connection, frame);
  }
}
