package io.polis.membership;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.wire.MemberUpdate;
import java.util.Map;

/** This node's mutable record of one member; owned by the membership thread. */
final class MemberRecord {

  final MemberId id;
  Address address;
  Map<String, String> metadata;
  long incarnation;
  MemberState state;
  long changedAtNanos;

  MemberRecord(MemberId id, Address address, Map<String, String> metadata, long incarnation, MemberState state,
      long changedAtNanos) {
    this.id = id;
    this.address = address;
    this.metadata = metadata;
    this.incarnation = incarnation;
    this.state = state;
    this.changedAtNanos = changedAtNanos;
  }

  Member snapshot() {
    return new Member(id, address, metadata, incarnation, state);
  }

  MemberUpdate toUpdate(MemberId source) {
    return new MemberUpdate(status(state), id, address, incarnation, metadata, source);
  }

  static MemberUpdate.Status status(MemberState state) {
    return switch (state) {
      case ALIVE -> MemberUpdate.Status.ALIVE;
      case SUSPECT -> MemberUpdate.Status.SUSPECT;
      case DEAD -> MemberUpdate.Status.DEAD;
      case LEFT -> MemberUpdate.Status.LEFT;
    };
  }
}
