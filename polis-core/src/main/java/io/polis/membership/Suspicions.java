package io.polis.membership;

import io.polis.node.MemberId;
import io.polis.transport.PeerInfo;
import io.polis.wire.Gossip;
import io.polis.wire.MemberUpdate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Every member this node suspects, with its Lifeguard timer: started on the first accusation, shortened
 * by independent confirmations, and, when it runs out before a refutation, the member is declared down.
 */
final class Suspicions {

  private final SwimMembership host;
  private final Map<MemberId, Suspicion> byMember = new HashMap<>();

  Suspicions(SwimMembership host) {
    this.host = host;
  }

  /**
   * Starts a suspicion timer for a member, or counts a further, independent accusation.
   *
   * @return true if the suspicion is new or the accusation was a new, independent one
   */
  boolean suspect(MemberRecord r, MemberId accuser) {
    Suspicion s = byMember.get(r.id);
    if (s == null || s.incarnation() != r.incarnation) {
      int n = host.table.liveCount();
      long min = (long) (host.config.suspicionMultiplier() * Math.max(1.0, Math.log10(n))
          * host.config.probeInterval().toNanos());
      int expected = Math.max(0, Math.min(host.config.indirectProbes(), n - 2));
      s = new Suspicion(r.incarnation, accuser, host.clock.nanos(), min,
          min * host.config.suspicionMaxMultiplier(), expected);
      byMember.put(r.id, s);
    } else if (!s.confirm(accuser)) {
      return false;
    }
    scheduleCheck(r.id, s.deadlineNanos());
    return true;
  }

  /**
   * Lifeguard's buddy system, made certain: a member we suspect that talks to us without refuting has
   * not heard of the suspicion (its prober may be slow, or ours may not reach it this round), so we tell
   * it now, at most once per probe period. Acks already carry the news; other messages get a gossip.
   */
  void tellIfSuspected(PeerInfo from) {
    Suspicion s = byMember.get(from.memberId());
    MemberRecord r = host.table.get(from.memberId());
    if (s != null && r != null && r.state == MemberState.SUSPECT
        && s.shouldTell(host.clock.nanos(), host.config.probeInterval().toNanos())) {
      host.send(from.advertisedAddress(), new Gossip(host.gossipFor(from.memberId())));
    }
  }

  private void scheduleCheck(MemberId id, long deadline) {
    host.scheduler.schedule(Duration.ofNanos(Math.max(0, deadline - host.clock.nanos())), () -> {
      if (host.running()) {
        check(id);
        host.publishView();
      }
    });
  }

  private void check(MemberId id) {
    Suspicion s = byMember.get(id);
    MemberRecord r = host.table.get(id);
    if (s == null || r == null || r.state != MemberState.SUSPECT || r.incarnation != s.incarnation()) {
      byMember.remove(id);
      return;
    }
    if (host.clock.nanos() < s.deadlineNanos()) {
      return; // an earlier check; the one scheduled for the current deadline follows
    }
    byMember.remove(id);
    host.apply(new MemberUpdate(MemberUpdate.Status.DEAD, r.id, r.address, r.incarnation, r.metadata,
        host.table.local().id));
  }
}
