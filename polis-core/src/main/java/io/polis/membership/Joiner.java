package io.polis.membership;

import io.polis.node.Address;
import io.polis.wire.PushPull;
import java.time.Duration;
import java.util.List;

/**
 * Joining and healing: contacts every seed that no live member occupies (so a node that started alone
 * merges as soon as a seed appears, and two clusters formed apart merge through their seeds), and
 * exchanges full state with a random member periodically, so that views converge after a partition.
 */
final class Joiner {

  /** Clusters larger than this exchange full state proportionally less often, as memberlist does. */
  private static final int PUSH_PULL_SCALE_THRESHOLD = 32;

  private final SwimMembership host;

  Joiner(SwimMembership host) {
    this.host = host;
  }

  void start() {
    host.scheduler.execute(this::joinTick);
    host.scheduler.schedule(jittered(pushPullInterval()), this::pushPullTick);
  }

  private void joinTick() {
    if (!host.running()) {
      return;
    }
    for (Address seed : host.safeSeeds()) {
      if (!seed.equals(host.table.local().address) && !occupied(seed)) {
        host.send(seed, new PushPull(false, true, host.fullState()));
      }
    }
    host.scheduler.schedule(host.config.joinRetryInterval(), this::joinTick);
  }

  private boolean occupied(Address address) {
    for (MemberRecord r : host.table.livePeers()) {
      if (r.address.equals(address)) {
        return true;
      }
    }
    return false;
  }

  private void pushPullTick() {
    if (!host.running()) {
      return;
    }
    List<MemberRecord> peers = host.table.livePeers();
    if (!peers.isEmpty()) {
      MemberRecord peer = peers.get(host.random.nextInt(peers.size()));
      host.send(peer.address, new PushPull(false, false, host.fullState()));
    }
    // Also to one member we believe dead, until it is reaped: if it is alive on the far side of a healed
    // partition, this is how both sides learn it (memberlist's gossip to the dead).
    List<MemberRecord> dead = host.table.all().stream().filter(r -> r.state == MemberState.DEAD).toList();
    if (!dead.isEmpty()) {
      MemberRecord peer = dead.get(host.random.nextInt(dead.size()));
      host.send(peer.address, new PushPull(false, false, host.fullState()));
    }
    host.table.reap(host.clock.nanos(), host.config.reapTimeout().toNanos());
    host.scheduler.schedule(jittered(pushPullInterval()), this::pushPullTick);
  }

  private Duration pushPullInterval() {
    int n = host.table.liveCount();
    Duration base = host.config.pushPullInterval();
    if (n <= PUSH_PULL_SCALE_THRESHOLD) {
      return base;
    }
    double factor = Math.ceil(Math.log(n) / Math.log(2) - Math.log(PUSH_PULL_SCALE_THRESHOLD) / Math.log(2)) + 1;
    return base.multipliedBy((long) factor);
  }

  /** Spreads exchanges so that members started together do not exchange in step. */
  private Duration jittered(Duration base) {
    return base.plusNanos((long) (base.toNanos() * 0.5 * host.random.nextDouble()));
  }
}
