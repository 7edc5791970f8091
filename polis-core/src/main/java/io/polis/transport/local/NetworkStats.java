package io.polis.transport.local;

/**
 * A snapshot of a {@link LocalNetwork}'s message counters since it was created. Only messages count
 * here, not handshakes, and only sends that were accepted (a send that failed with an exception was
 * never sent).
 *
 * <p>Every message sent, and every extra copy made by duplication, ends up delivered or dropped, so
 * {@code sent + duplicated == delivered + dropped + inFlight()} always holds.
 *
 * @param sent messages accepted by {@code send}, including those lost or dropped later
 * @param delivered messages (copies included) handed to a receiver's inbound handler
 * @param dropped messages (copies included) that never reached a handler: lost, sent or arriving on a
 *     blocked link, addressed to a node that stopped, or larger than the receiver's frame limit
 * @param duplicated extra copies made by duplication
 */
public record NetworkStats(long sent, long delivered, long dropped, long duplicated) {

  /**
   * Returns the messages and copies still travelling: sent, not yet delivered or dropped.
   *
   * @return the number in flight
   */
  public long inFlight() {
    return sent + duplicated - delivered - dropped;
  }

  /**
   * Returns what happened between an earlier snapshot and this one, so a test can look at one phase.
   *
   * @param earlier a snapshot taken before this one, from the same network
   * @return the difference, counter by counter
   */
  public NetworkStats minus(NetworkStats earlier) {
    return new NetworkStats(sent - earlier.sent, delivered - earlier.delivered, dropped - earlier.dropped,
        duplicated - earlier.duplicated);
  }
}
