package io.polis.membership;

import io.polis.node.MemberId;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Who is in the cluster, as this node sees it. Eventually consistent: every live member's view
 * converges to the same live set once the network is quiet. Reads are safe from any thread and never
 * block; they return a snapshot.
 */
public interface ClusterMembership {

  /** @return this node as the cluster sees it */
  Member local();

  /** @return the live members (alive or suspect), this node included */
  Collection<Member> members();

  /**
   * Looks up a member, live or recently dead or departed.
   *
   * @param id the member id
   * @return the member, if known
   */
  Optional<Member> member(MemberId id);

  /**
   * Replaces this node's metadata and announces it (with a higher incarnation).
   *
   * @param metadata the new metadata, within {@link io.polis.wire.MemberUpdate}'s caps
   * @return a future that completes once the change is queued for gossip
   */
  CompletableFuture<Void> updateMetadata(Map<String, String> metadata);

  /**
   * Announces that this node leaves, stops probing, and tells the live members directly.
   *
   * @return a future that completes once the announcement has been handed to the transport
   */
  CompletableFuture<Void> leave();

  /**
   * Registers a listener for changes of other members.
   *
   * @param listener the listener; events arrive in order on the event thread
   */
  void addListener(MembershipListener listener);

  /**
   * Removes a listener.
   *
   * @param listener the listener
   */
  void removeListener(MembershipListener listener);
}
