package io.polis.membership;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.wire.MemberUpdate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Every member this node knows, and SWIM's rules for what a piece of gossip may change. Claims about a
 * member are ordered by incarnation; at equal incarnation, suspect beats alive and dead or left beats
 * suspect. Only the member itself raises its incarnation, which is how it refutes a suspicion.
 * Owned by the membership thread.
 */
final class MemberTable {

  /**
   * What applying one update did.
   *
   * @param gossip the update to pass on, if the news was new
   * @param event the event for listeners, if another member's state changed
   * @param suspect whether a suspicion timer must start (or be confirmed) for the member
   * @param refuted whether this node had to refute a claim about itself
   */
  record Applied(@Nullable MemberUpdate gossip, @Nullable MembershipEvent event, boolean suspect,
      boolean refuted) {

    static final Applied NOTHING = new Applied(null, null, false, false);
  }

  private final MemberId localId;
  private final Map<MemberId, MemberRecord> members = new LinkedHashMap<>();
  private final MemberRecord local;
  private boolean leaving;
  /** Kept up to date on every change, so that asking costs nothing per message. */
  private int live = 1;
  /** Raised on every change, so a reader can tell whether its snapshot is stale without comparing. */
  private long version;

  MemberTable(MemberId localId, Address localAddress, Map<String, String> metadata, long nowNanos) {
    this.localId = localId;
    this.local = new MemberRecord(localId, localAddress, metadata, 0, MemberState.ALIVE, nowNanos);
    members.put(localId, local);
  }

  MemberRecord local() {
    return local;
  }

  @Nullable MemberRecord get(MemberId id) {
    return members.get(id);
  }

  Collection<MemberRecord> all() {
    return members.values();
  }

  /** Live members other than this node. */
  List<MemberRecord> livePeers() {
    List<MemberRecord> live = new ArrayList<>();
    for (MemberRecord r : members.values()) {
      if (r != local && r.state.isLive()) {
        live.add(r);
      }
    }
    return live;
  }

  int liveCount() {
    return live;
  }

  /** @return a number that changes whenever any member's record changes */
  long version() {
    return version;
  }

  /** Raises this node's incarnation and returns the alive claim that announces it. */
  MemberUpdate bumpLocal(@Nullable Map<String, String> newMetadata) {
    local.incarnation++;
    if (newMetadata != null) {
      local.metadata = newMetadata;
    }
    version++;
    return local.toUpdate(localId);
  }

  /** Marks this node as leaving and returns the claim that announces it. */
  MemberUpdate leaveLocal(long nowNanos) {
    leaving = true;
    local.incarnation++;
    if (local.state.isLive()) {
      live--;
    }
    version++;
    local.state = MemberState.LEFT;
    local.changedAtNanos = nowNanos;
    return local.toUpdate(localId);
  }

  Applied apply(MemberUpdate u, long nowNanos) {
    if (u.member().equals(localId)) {
      return applyAboutLocal(u);
    }
    MemberRecord r = members.get(u.member());
    return switch (u.status()) {
      case ALIVE -> applyAlive(r, u, nowNanos);
      case SUSPECT -> applySuspect(r, u, nowNanos);
      case DEAD, LEFT -> applyDown(r, u, nowNanos);
    };
  }

  private Applied applyAboutLocal(MemberUpdate u) {
    if (leaving || u.status() == MemberUpdate.Status.ALIVE || u.incarnation() < local.incarnation) {
      return Applied.NOTHING;
    }
    // Someone thinks this node is suspect or down: refute with a higher incarnation.
    local.incarnation = u.incarnation() + 1;
    version++;
    return new Applied(local.toUpdate(localId), null, false, true);
  }

  private Applied applyAlive(@Nullable MemberRecord r, MemberUpdate u, long now) {
    if (r == null) {
      MemberRecord added = new MemberRecord(u.member(), u.address(), u.metadata(), u.incarnation(),
          MemberState.ALIVE, now);
      members.put(u.member(), added);
      live++;
      version++;
      return new Applied(u, new MembershipEvent.Joined(added.snapshot()), false, false);
    }
    if (u.incarnation() <= r.incarnation) {
      return Applied.NOTHING;
    }
    MemberState before = r.state;
    if (!before.isLive()) {
      live++;
    }
    version++;
    boolean metadataChanged = !r.metadata.equals(u.metadata()) || !r.address.equals(u.address());
    r.incarnation = u.incarnation();
    r.address = u.address();
    r.metadata = u.metadata();
    r.state = MemberState.ALIVE;
    if (before != MemberState.ALIVE) {
      r.changedAtNanos = now;
    }
    Member m = r.snapshot();
    MembershipEvent event = switch (before) {
      case DEAD, LEFT -> new MembershipEvent.Joined(m);
      case SUSPECT -> new MembershipEvent.Recovered(m);
      case ALIVE -> metadataChanged ? new MembershipEvent.MetadataUpdated(m) : null;
    };
    return new Applied(u, event, false, false);
  }

  private Applied applySuspect(@Nullable MemberRecord r, MemberUpdate u, long now) {
    if (r == null || !r.state.isLive() || u.incarnation() < r.incarnation) {
      return Applied.NOTHING;
    }
    if (r.state == MemberState.SUSPECT && u.incarnation() == r.incarnation) {
      return new Applied(null, null, true, false); // a confirmation of a suspicion already held
    }
    r.incarnation = u.incarnation();
    version++;
    r.state = MemberState.SUSPECT;
    r.changedAtNanos = now;
    return new Applied(u, new MembershipEvent.Suspected(r.snapshot()), true, false);
  }

  private Applied applyDown(@Nullable MemberRecord r, MemberUpdate u, long now) {
    if (r == null || !r.state.isLive() || u.incarnation() < r.incarnation) {
      return Applied.NOTHING;
    }
    r.incarnation = u.incarnation();
    live--;
    version++;
    r.state = u.status() == MemberUpdate.Status.LEFT ? MemberState.LEFT : MemberState.DEAD;
    r.changedAtNanos = now;
    Member m = r.snapshot();
    MembershipEvent event = r.state == MemberState.LEFT ? new MembershipEvent.Left(m) : new MembershipEvent.Down(m);
    return new Applied(u, event, false, false);
  }

  /**
   * Declares down, on this node's own authority, live members other than {@code newcomer} that listen at
   * its address: one address serves one process, so a new id there means the old process is gone.
   */
  List<Applied> replaceSameAddress(MemberRecord newcomer, long now) {
    List<Applied> replaced = new ArrayList<>();
    for (MemberRecord r : members.values()) {
      if (r != newcomer && r != local && r.state.isLive() && r.address.equals(newcomer.address)) {
        MemberUpdate dead = new MemberUpdate(MemberUpdate.Status.DEAD, r.id, r.address, r.incarnation, r.metadata,
            localId);
        replaced.add(applyDown(r, dead, now));
      }
    }
    return replaced;
  }

  /** Forgets dead and departed members older than the reap timeout. */
  void reap(long now, long reapTimeoutNanos) {
    if (members.values().removeIf(r -> r != local && !r.state.isLive()
        && now - r.changedAtNanos >= reapTimeoutNanos)) {
      version++;
    }
  }
}
