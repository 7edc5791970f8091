package io.polis.runtime.formation;

import io.polis.membership.Member;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pure rule by which a starting member decides whether to bootstrap its Raft group, join a formed
 * one, or wait. Deterministic: members that see the same live members decide the same configuration,
 * which is what keeps members started at the same moment from forming two clusters.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>A member with Raft state of its own (a log or a term) {@link Resume resumes} it; it never
 *       bootstraps again.
 *   <li>A member that sees another live member announcing {@link FormationState#FORMED} {@link Join joins}:
 *       it starts with no configuration and waits to be added.
 *   <li>Static voters: once exactly one live member is seen at each listed address, a member whose own
 *       address is listed proposes those members as the voters; a member not listed joins.
 *   <li>Bootstrap-expect N: once at least N live members running Raft are seen (none formed), the N with
 *       the smallest ids are the voters; a member among them proposes them, the others join.
 *   <li>A member that proposes {@link Bootstrap bootstraps} only once every proposed voter, itself
 *       included, announces the same proposal; until then it {@link Propose announces its own} and waits.
 *       Without this round, a member that saw a voter just before it was restarted without its data would
 *       bootstrap with the old id while the others bootstrap with the new one; with it, every bootstrapper
 *       has seen all voters agree, and a voter never changes its proposal once it has bootstrapped.
 * </ol>
 */
public final class BootstrapDecision {

  private BootstrapDecision() {}

  /** What a starting member does. */
  public sealed interface Outcome permits Wait, Propose, Bootstrap, Join, Resume {}

  /** @param reason what the member still waits for */
  public record Wait(String reason) implements Outcome {}

  /**
   * The member knows the voters it would bootstrap with, but not all of them announce the same proposal
   * yet: it announces its own ({@link FormationState#PROPOSAL_KEY}) and waits.
   *
   * @param configuration the proposed first voters
   * @param digest their {@link FormationState#digest digest}, to announce
   * @param reason who does not agree yet
   */
  public record Propose(Configuration configuration, String digest, String reason) implements Outcome {}

  /** @param configuration the first voters, to write as the group's first log entry */
  public record Bootstrap(Configuration configuration) implements Outcome {}

  /** @param reason why this member joins instead of bootstrapping */
  public record Join(String reason) implements Outcome {}

  /** The member has Raft state; it starts on it. */
  public record Resume() implements Outcome {}

  /**
   * Decides.
   *
   * @param config the formation settings
   * @param self this member's id
   * @param selfAddress this member's advertised address
   * @param hasRaftState whether this member's storage holds a log or a term
   * @param live the live members this member sees, itself included or not
   * @return what to do now
   */
  public static Outcome decide(FormationConfig config, MemberId self, Address selfAddress, boolean hasRaftState,
      Collection<Member> live) {
    Objects.requireNonNull(config, "config");
    if (hasRaftState) {
      return new Resume();
    }
    List<Member> others = live.stream().filter(m -> m.state().isLive() && !m.id().equals(self)).toList();
    for (Member m : others) {
      if (FormationState.of(m) == FormationState.FORMED) {
        return new Join(m.id().shortForm() + " at " + m.address() + " belongs to a formed cluster");
      }
    }
    Outcome derived = config.isStatic()
        ? decideStatic(config.voterAddresses(), self, selfAddress, others)
        : decideExpect(config.expect(), self, selfAddress, others);
    return derived instanceof Bootstrap b ? agreed(b.configuration(), live) : derived;
  }

  /** Bootstraps only once every proposed voter (this member too) announces the same proposal. */
  private static Outcome agreed(Configuration voters, Collection<Member> live) {
    String digest = FormationState.digest(voters);
    for (MemberId v : voters.voters().keySet()) {
      Member m = live.stream().filter(x -> x.id().equals(v) && x.state().isLive()).findFirst().orElse(null);
      if (m == null || !digest.equals(FormationState.proposalOf(m))) {
        return new Propose(voters, digest, v.shortForm() + " does not propose the same voters (yet)");
      }
    }
    return new Bootstrap(voters);
  }

  private static Outcome decideStatic(List<Address> addresses, MemberId self, Address selfAddress,
      List<Member> others) {
    if (!addresses.contains(selfAddress)) {
      return new Join(selfAddress + " is not among the first voters " + addresses);
    }
    Map<MemberId, Address> voters = new LinkedHashMap<>();
    for (Address a : addresses) {
      if (a.equals(selfAddress)) {
        voters.put(self, a);
        continue;
      }
      List<Member> at = others.stream().filter(m -> m.address().equals(a)).toList();
      if (at.isEmpty()) {
        return new Wait("no live member seen at " + a + " yet");
      }
      if (at.size() > 1) {
        // A member restarted without its data during formation: membership soon declares the old id down.
        return new Wait(at.size() + " live members claim " + a + ": " + at);
      }
      voters.put(at.get(0).id(), a);
    }
    return new Bootstrap(sorted(voters));
  }

  private static Outcome decideExpect(int expect, MemberId self, Address selfAddress, List<Member> others) {
    List<Member> candidates = new ArrayList<>();
    for (Member m : others) {
      if (FormationState.of(m) != null) {
        candidates.add(m);
      }
    }
    if (candidates.size() + 1 < expect) {
      return new Wait("sees " + (candidates.size() + 1) + " of " + expect + " expected members");
    }
    Map<MemberId, Address> all = new LinkedHashMap<>();
    all.put(self, selfAddress);
    candidates.forEach(m -> all.put(m.id(), m.address()));
    Map<MemberId, Address> chosen = new LinkedHashMap<>();
    all.entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(expect)
        .forEach(e -> chosen.put(e.getKey(), e.getValue()));
    if (!chosen.containsKey(self)) {
      return new Join(self.shortForm() + " is not among the " + expect + " smallest ids of " + all.size()
          + " fresh members");
    }
    return new Bootstrap(sorted(chosen));
  }

  /** The same voters in the same order on every member, so the encoded entries are identical too. */
  private static Configuration sorted(Map<MemberId, Address> voters) {
    Map<MemberId, Address> ordered = new LinkedHashMap<>();
    voters.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
        .forEach(e -> ordered.put(e.getKey(), e.getValue()));
    return new Configuration(ordered, Map.of());
  }
}
