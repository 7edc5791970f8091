package io.polis.membership;

import io.polis.wire.Gossip;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Sends waiting news to a few random live members each gossip period, as memberlist does. Probes alone
 * reach one member per period; news that has to arrive before a suspicion times out (a refutation, say)
 * needs the wider spread. A period with no news sends nothing, so a quiet cluster pays only for probes.
 */
final class Gossiper {

  private final SwimMembership host;

  Gossiper(SwimMembership host) {
    this.host = host;
  }

  void start() {
    host.scheduler.schedule(host.config.gossipInterval(), this::tick);
  }

  private void tick() {
    if (!host.running()) {
      return;
    }
    gossipNow();
    host.scheduler.schedule(host.config.gossipInterval(), this::tick);
  }

  /** Sends the waiting news now; also called when this node refutes a suspicion of itself. */
  void gossipNow() {
    if (!host.hasNews()) {
      return;
    }
    List<MemberRecord> peers = host.table.livePeers();
    Collections.shuffle(peers, new Random(host.random.nextLong()));
    int fanout = Math.min(host.config.gossipFanout(), peers.size());
    for (int i = 0; i < fanout; i++) {
      MemberRecord peer = peers.get(i);
      host.send(peer.address, new Gossip(host.gossipFor(peer.id)));
    }
  }
}
