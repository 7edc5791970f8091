package io.polis.membership;

/** A change of another member's state, as delivered to {@link MembershipListener}s. */
public sealed interface MembershipEvent {

  /**
   * Returns the member after the change.
   *
   * @return the member
   */
  Member member();

  /** @param member a member that joined, or came back under a new id or incarnation */
  record Joined(Member member) implements MembershipEvent {}

  /** @param member a member whose metadata changed */
  record MetadataUpdated(Member member) implements MembershipEvent {}

  /** @param member a member now suspected of having failed */
  record Suspected(Member member) implements MembershipEvent {}

  /** @param member a suspected member that proved it is alive */
  record Recovered(Member member) implements MembershipEvent {}

  /** @param member a member declared down */
  record Down(Member member) implements MembershipEvent {}

  /** @param member a member that left on purpose */
  record Left(Member member) implements MembershipEvent {}
}
