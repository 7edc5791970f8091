package io.polis.raft;

import io.polis.node.Address;
import io.polis.node.MemberId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One single-server membership change (Raft thesis §4.1): the group changes by one voter at a time, so
 * any majority of the old configuration overlaps any majority of the new one.
 *
 * @param kind what changes
 * @param member the member concerned
 * @param address its address; needed when adding, ignored otherwise
 */
public record ConfigChange(Kind kind, MemberId member, @org.jspecify.annotations.Nullable Address address) {

  /** The kinds of change. */
  public enum Kind {
    /** Adds a voter (a learner already caught up is better promoted). */
    ADD_VOTER,
    /** Adds a learner, which receives the log without voting. */
    ADD_LEARNER,
    /** Makes a learner a voter. */
    PROMOTE_LEARNER,
    /** Removes a voter or a learner. */
    REMOVE
  }

  /** Validates the components. */
  public ConfigChange {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(member, "member");
    if ((kind == Kind.ADD_VOTER || kind == Kind.ADD_LEARNER) && address == null) {
      throw new IllegalArgumentException(kind + " needs the member's address");
    }
  }

  /**
   * Applies this change to a configuration.
   *
   * @param current the configuration now
   * @return the configuration after the change
   * @throws ProposalRejectedException if the change makes no sense against {@code current}
   */
  public Configuration applyTo(Configuration current) {
    Map<MemberId, Address> voters = new LinkedHashMap<>(current.voters());
    Map<MemberId, Address> learners = new LinkedHashMap<>(current.learners());
    switch (kind) {
      case ADD_VOTER -> {
        if (voters.containsKey(member)) {
          throw new ProposalRejectedException(member + " is already a voter");
        }
        learners.remove(member);
        voters.put(member, address);
      }
      case ADD_LEARNER -> {
        if (current.contains(member)) {
          throw new ProposalRejectedException(member + " already belongs to the group");
        }
        learners.put(member, address);
      }
      case PROMOTE_LEARNER -> {
        Address a = learners.remove(member);
        if (a == null) {
          throw new ProposalRejectedException(member + " is not a learner");
        }
        voters.put(member, a);
      }
      case REMOVE -> {
        if (voters.remove(member) == null && learners.remove(member) == null) {
          throw new ProposalRejectedException(member + " does not belong to the group");
        }
        if (voters.isEmpty()) {
          throw new ProposalRejectedException("removing " + member + " would leave the group without a voter");
        }
      }
    }
    return new Configuration(voters, learners);
  }
}
