package io.polis.raft;

import io.polis.node.MemberId;
import io.polis.wire.RaftMessage;

/**
 * What a role does with a tick and with a message that survived the term checks. Becoming another role
 * swaps the behaviour (etcd-raft's step and tick functions), so no handler asks "am I the leader?".
 */
interface RoleBehavior {

  RaftRole role();

  void tick();

  void step(MemberId from, RaftMessage message);
}
