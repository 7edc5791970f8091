package io.polis.transport.local;

import io.polis.node.Address;
import io.polis.time.Scheduler;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;

/**
 * Carries frames across a {@link LocalNetwork}: applies each link's faults, schedules the arrivals,
 * hands the frames over in order and counts what happens to them.
 *
 * <p>The random draws for one message happen at send time and in a fixed order (loss, duplication,
 * then one delay per copy), and only when the fault is switched on, so a run depends only on the seed
 * and on the calls made.
 */
final class Courier {

  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final Firewall firewall;
  private final BiFunction<Address, Address, NetworkFaults> faults;
  private long sent;
  private long delivered;
  private long dropped;
  private long duplicated;

  Courier(Scheduler scheduler, RandomGenerator random, Firewall firewall,
      BiFunction<Address, Address, NetworkFaults> faults) {
    this.scheduler = scheduler;
    this.random = random;
    this.firewall = firewall;
    this.faults = faults;
  }

  /**
   * Sends a frame on a connection: drops it if the link is blocked or the frame is lost, otherwise
   * schedules its arrival (twice if duplicated).
   *
   * @param connection an open connection
   * @param frame the encoded message; never modified, so copies may share it
   */
  void transmit(Connection connection, byte[] frame) {
    sent++;
    if (firewall.isBlocked(connection.from(), connection.to())) {
      dropped++;
      return;
    }
    NetworkFaults linkFaults = faults.apply(connection.from(), connection.to());
    if (chance(linkFaults.lossProbability())) {
      dropped++;
      return;
    }
    boolean twice = chance(linkFaults.duplicationProbability());
    launch(connection, frame, linkFaults);
    if (twice) {
      duplicated++;
      launch(connection, frame, linkFaults);
    }
  }

  NetworkStats stats() {
    return new NetworkStats(sent, delivered, dropped, duplicated);
  }

  private void launch(Connection connection, byte[] frame, NetworkFaults linkFaults) {
    Connection.InFlight inFlight = connection.launch(frame, !linkFaults.reordering());
    scheduler.schedule(delay(linkFaults), () -> {
      for (byte[] ready : connection.arrive(inFlight)) {
        deliver(connection, ready);
      }
    });
  }

  private void deliver(Connection connection, byte[] frame) {
    // Checked again on arrival: a partition made while the message travelled swallows it too, and a
    // receiver that stopped meanwhile never sees it.
    if (firewall.isBlocked(connection.from(), connection.to()) || !connection.isOpen()) {
      dropped++;
      return;
    }
    if (connection.target().receive(connection.source(), frame)) {
      delivered++;
    } else {
      dropped++;
    }
  }

  private boolean chance(double probability) {
    return probability > 0 && random.nextDouble() < probability;
  }

  private Duration delay(NetworkFaults linkFaults) {
    long min = linkFaults.minDelay().toNanos();
    long spread = linkFaults.maxDelay().toNanos() - min;
    return Duration.ofNanos(spread == 0 ? min : min + random.nextLong(spread + 1));
  }
}
