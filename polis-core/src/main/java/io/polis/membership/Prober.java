package io.polis.membership;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.PeerInfo;
import io.polis.wire.Ack;
import io.polis.wire.MemberUpdate;
import io.polis.wire.SwimMessage;
import io.polis.wire.Nack;
import io.polis.wire.Ping;
import io.polis.wire.PingReq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * SWIM's failure detector: one member probed per period, round-robin over a shuffled list (so every
 * member is probed within a bounded time); on a missed ack, k others probe it indirectly; a probe that
 * fails both ways makes the target suspect. Also serves other members' indirect probe requests.
 */
final class Prober {

  private static final class Probe {
    final long seq;
    final MemberRecord target;
    final long targetIncarnation;
    boolean acked;
    int expectedNacks;
    int nacks;

    Probe(long seq, MemberRecord target) {
      this.seq = seq;
      this.target = target;
      this.targetIncarnation = target.incarnation;
    }
  }

  private record Relay(PeerInfo requester, long requesterSeq) {}

  private final SwimMembership host;
  private final List<MemberId> order = new ArrayList<>();
  private final Map<Long, Relay> relays = new HashMap<>();
  private int next;
  private long nextSeq;
  private @Nullable Probe current;

  Prober(SwimMembership host) {
    this.host = host;
  }

  void start() {
    host.scheduler.execute(this::tick);
  }

  private void tick() {
    if (!host.running()) {
      return;
    }
    finishCurrent();
    MemberRecord target = nextTarget();
    if (target != null) {
      Probe probe = new Probe(nextSeq++, target);
      current = probe;
      host.send(target.address, new Ping(probe.seq, target.id, host.gossipFor(target.id)));
      host.scheduler.schedule(host.health.scale(host.config.probeTimeout()), () -> probeIndirectly(probe));
    }
    host.scheduler.schedule(host.health.scale(host.config.probeInterval()), this::tick);
    host.publishView();
  }

  private void finishCurrent() {
    Probe probe = current;
    current = null;
    if (probe == null || probe.acked) {
      return;
    }
    // Lifeguard: without relays, any failure counts against our own health; with relays, only the
    // nacks that did not come back do (they suggest the problem is here, not at the target).
    host.health.apply(probe.expectedNacks > 0 ? probe.expectedNacks - probe.nacks : 1);
    MemberRecord target = host.table.get(probe.target.id);
    if (target != null && target.state.isLive() && target.incarnation == probe.targetIncarnation) {
      host.probeFailed(target);
    }
  }

  private void probeIndirectly(Probe probe) {
    if (probe != current || probe.acked || !host.running()) {
      return;
    }
    List<MemberRecord> helpers = host.table.livePeers();
    helpers.removeIf(r -> r.id.equals(probe.target.id) || r.state != MemberState.ALIVE);
    Collections.shuffle(helpers, asRandom());
    int k = Math.min(host.config.indirectProbes(), helpers.size());
    probe.expectedNacks = k;
    for (int i = 0; i < k; i++) {
      host.send(helpers.get(i).address, new PingReq(probe.seq, probe.target.id, probe.target.address,
          host.gossipFor(helpers.get(i).id)));
    }
  }

  void onAck(Ack ack) {
    Relay relay = relays.remove(ack.seq());
    if (relay != null) {
      // Pass on the target's own statement of its state (first in its ack) ahead of our gossip.
      List<MemberUpdate> updates = new ArrayList<>(SwimMessage.MAX_GOSSIP);
      ack.updates().stream().filter(u -> u.member().equals(ack.responder())).findFirst().ifPresent(updates::add);
      updates.addAll(host.gossipFor(relay.requester().memberId()));
      host.send(relay.requester().advertisedAddress(), new Ack(relay.requesterSeq(), ack.responder(),
          updates.subList(0, Math.min(updates.size(), SwimMessage.MAX_GOSSIP))));
      return;
    }
    Probe probe = current;
    if (probe != null && probe.seq == ack.seq() && !probe.acked && ack.responder().equals(probe.target.id)) {
      probe.acked = true;
      host.health.apply(-1);
    }
  }

  void onNack(Nack nack) {
    Probe probe = current;
    if (probe != null && probe.seq == nack.seq()) {
      probe.nacks++;
    }
  }

  /** Probes a member on another's behalf and relays the ack, or a nack if none comes in time. */
  void relay(PeerInfo requester, PingReq req) {
    long seq = nextSeq++;
    relays.put(seq, new Relay(requester, req.seq()));
    host.send(req.targetAddress(), new Ping(seq, req.target(), host.gossipFor(req.target())));
    // Unscaled on purpose: the requester waits for this nack within its own probe period; a relay that
    // stretched its wait by its own health score would miss it and make the requester's score rise too.
    Duration wait = host.config.probeTimeout();
    host.scheduler.schedule(wait, () -> {
      if (relays.remove(seq) != null && host.running()) {
        host.send(requester.advertisedAddress(), new Nack(req.seq()));
      }
    });
  }

  private @Nullable MemberRecord nextTarget() {
    for (int attempts = 0; attempts < 2; attempts++) {
      while (next < order.size()) {
        MemberRecord r = host.table.get(order.get(next++));
        if (r != null && r.state.isLive() && r != host.table.local()) {
          return r;
        }
      }
      // A new round: every live member once, in a fresh random order.
      order.clear();
      next = 0;
      for (MemberRecord r : host.table.livePeers()) {
        order.add(r.id);
      }
      Collections.shuffle(order, asRandom());
    }
    return null;
  }

  private java.util.Random asRandom() {
    return new java.util.Random(host.random.nextLong());
  }
}
