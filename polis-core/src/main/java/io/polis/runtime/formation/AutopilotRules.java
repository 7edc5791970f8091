package io.polis.runtime.formation;

import io.polis.membership.Member;
import io.polis.membership.MemberState;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.ConfigChange;
import io.polis.raft.Configuration;
import io.polis.raft.ProposalRejectedException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The pure rules by which the leader's {@link Autopilot} keeps the Raft configuration in line with the
 * cluster's membership, one single-server change at a time (Raft thesis §4.1). Given one view, the first
 * rule that applies gives the change:
 * <ol>
 *   <li><b>Address taken over.</b> A member of the configuration whose address is now held by a different
 *       live member id is the old identity of a node restarted without its data: it will never answer
 *       again, so it is removed at once (subject to the quorum guard below).
 *   <li><b>Dead voter.</b> A voter not live in membership (dead, departed or unknown) for at least the grace
 *       period is removed, but only if the live voters still make a quorum of the configuration without it:
 *       when a majority is gone, removing voters could hand the group to a minority, and only an operator
 *       may decide that (see {@link QuorumRecovery}).
 *   <li><b>Promotion.</b> While the group has fewer voters than the target, a live learner whose log is
 *       within the catch-up margin of the leader's is promoted, keeping the voter count odd: from an odd
 *       count it promotes only when a second caught-up learner can follow at once within the target.
 *   <li><b>Dead learner.</b> A learner not live for the grace period is removed.
 *   <li><b>New member.</b> A live member that runs Raft and is not in the configuration is added as a
 *       learner.
 * </ol>
 * The leader itself is never touched. Ties are broken by member id, so the choice is deterministic.
 */
public final class AutopilotRules {

  private AutopilotRules() {}

  /**
   * What the leader sees at one moment.
   *
   * @param leader the leader (this member)
   * @param configuration the configuration in force
   * @param leaderLastIndex the leader's last log index
   * @param match each member's match index as the leader knows it
   * @param live the live members membership shows (alive or suspect)
   * @param notLiveFor for each configuration member that is not live, for how long it has not been
   */
  public record View(MemberId leader, Configuration configuration, long leaderLastIndex, Map<MemberId, Long> match,
      Collection<Member> live, Map<MemberId, Duration> notLiveFor) {

    /** Validates the components and copies the collections. */
    public View {
      Objects.requireNonNull(leader, "leader");
      Objects.requireNonNull(configuration, "configuration");
      match = Map.copyOf(match);
      live = List.copyOf(live);
      notLiveFor = Map.copyOf(notLiveFor);
    }
  }

  /**
   * One change and why.
   *
   * @param change the change to propose
   * @param reason a log-ready explanation
   */
  public record Decision(ConfigChange change, String reason) {}

  /**
   * Chooses the next change.
   *
   * @param config the settings
   * @param view what the leader sees
   * @return the change to propose now, or empty when the configuration is as it should be
   */
  public static Optional<Decision> next(AutopilotConfig config, View view) {
    Decision d = takenOver(view);
    if (d == null) {
      d = deadVoter(config, view);
    }
    if (d == null) {
      d = promotion(config, view);
    }
    if (d == null) {
      d = deadLearner(config, view);
    }
    if (d == null) {
      d = newMember(view);
    }
    return Optional.ofNullable(d);
  }

  private static @Nullable Decision takenOver(View v) {
    for (MemberId m : sorted(v.configuration().members())) {
      if (m.equals(v.leader) || isLive(v, m)) {
        continue;
      }
      Address address = v.configuration().address(m);
      for (Member other : v.live()) {
        if (other.address().equals(address) && !other.id().equals(m)
            && (!v.configuration().isVoter(m) || quorumSurvivesRemoval(v, m))) {
          return remove(m, "its address " + address + " is now held by " + other.id().shortForm()
              + " (restarted without its data)");
        }
      }
    }
    return null;
  }

  private static @Nullable Decision deadVoter(AutopilotConfig config, View v) {
    for (MemberId m : sorted(v.configuration().voters().keySet())) {
      Duration down = v.notLiveFor().get(m);
      if (!m.equals(v.leader) && !isLive(v, m) && down != null && down.compareTo(config.deadMemberGrace()) >= 0
          && quorumSurvivesRemoval(v, m)) {
        return remove(m, "voter not live for " + down + " (grace " + config.deadMemberGrace() + ")");
      }
    }
    return null;
  }

  private static @Nullable Decision promotion(AutopilotConfig config, View v) {
    int voters = v.configuration().voters().size();
    if (voters >= config.targetVoters()) {
      return null;
    }
    List<MemberId> ready = sorted(v.configuration().learners().keySet()).stream()
        .filter(l -> isAlive(v, l) && v.match().getOrDefault(l, 0L) >= v.leaderLastIndex() - config.catchUpMargin())
        .toList();
    if (ready.isEmpty()) {
      return null;
    }
    boolean makesOdd = (voters + 1) % 2 == 1;
    boolean pairFollows = ready.size() >= 2 && voters + 2 <= config.targetVoters();
    if (!makesOdd && !pairFollows) {
      return null;
    }
    MemberId l = ready.get(0);
    return new Decision(new ConfigChange(ConfigChange.Kind.PROMOTE_LEARNER, l, null), "learner caught up (match "
        + v.match().getOrDefault(l, 0L) + " of " + v.leaderLastIndex() + "); " + voters + " voters, target "
        + config.targetVoters());
  }

  private static @Nullable Decision deadLearner(AutopilotConfig config, View v) {
    for (MemberId m : sorted(v.configuration().learners().keySet())) {
      Duration down = v.notLiveFor().get(m);
      if (!isLive(v, m) && down != null && down.compareTo(config.deadMemberGrace()) >= 0) {
        return remove(m, "learner not live for " + down);
      }
    }
    return null;
  }

  private static @Nullable Decision newMember(View v) {
    return v.live().stream()
        .filter(m -> m.state() == MemberState.ALIVE && FormationState.of(m) != null
            && !v.configuration().contains(m.id()))
        .min((a, b) -> a.id().compareTo(b.id()))
        .map(m -> new Decision(new ConfigChange(ConfigChange.Kind.ADD_LEARNER, m.id(), m.address()),
            "live member at " + m.address() + " is not in the configuration"))
        .orElse(null);
  }

  /** The live voters other than {@code removed} still make a quorum of the configuration without it. */
  private static boolean quorumSurvivesRemoval(View v, MemberId removed) {
    Configuration after;
    try {
      after = new ConfigChange(ConfigChange.Kind.REMOVE, removed, null).applyTo(v.configuration());
    } catch (ProposalRejectedException e) {
      return false; // it is the last voter
    }
    long liveVoters = after.voters().keySet().stream().filter(id -> isLive(v, id)).count();
    long liveBefore = v.configuration().voters().keySet().stream().filter(id -> isLive(v, id)).count();
    return liveVoters >= after.quorum() && liveBefore >= v.configuration().quorum();
  }

  private static boolean isLive(View v, MemberId id) {
    return id.equals(v.leader) || v.live().stream().anyMatch(m -> m.id().equals(id) && m.state().isLive());
  }

  private static boolean isAlive(View v, MemberId id) {
    return v.live().stream().anyMatch(m -> m.id().equals(id) && m.state() == MemberState.ALIVE);
  }

  private static Decision remove(MemberId m, String reason) {
    return new Decision(new ConfigChange(ConfigChange.Kind.REMOVE, m, null), reason);
  }

  private static List<MemberId> sorted(Collection<MemberId> ids) {
    return ids.stream().sorted().toList();
  }
}
