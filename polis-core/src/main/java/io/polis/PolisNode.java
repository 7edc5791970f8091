package io.polis;

import io.polis.membership.ClusterMembership;
import io.polis.membership.MembershipConfig;
import io.polis.membership.SwimMembership;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.runtime.MessageRouter;
import io.polis.runtime.ProtocolThread;
import io.polis.time.Clock;
import io.polis.transport.Transport;
import io.polis.transport.TransportConfig;
import io.polis.transport.netty.NettyTransport;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cluster member: its TCP transport and the engines that run over it. Start with
 * {@link #start(TransportConfig, MembershipConfig)}; leave with {@link #leave()} (tells the others) or
 * stop with {@link #close()} (as a crash would look to them, apart from the closed connections).
 */
public final class PolisNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PolisNode.class);

  private final NettyTransport transport;
  private final ProtocolThread membershipThread;
  private final ProtocolThread eventThread;
  private final SwimMembership membership;

  private PolisNode(NettyTransport transport, ProtocolThread membershipThread, ProtocolThread eventThread,
      SwimMembership membership) {
    this.transport = transport;
    this.membershipThread = membershipThread;
    this.eventThread = eventThread;
    this.membership = membership;
  }

  /**
   * Starts a member: binds the transport, then starts membership, which joins through the seeds.
   *
   * @param transportConfig the transport settings (they carry the member id)
   * @param membershipConfig the membership settings (they carry the seeds)
   * @return the running node; joining continues in the background
   * @throws IllegalStateException if the transport cannot bind
   */
  public static PolisNode start(TransportConfig transportConfig, MembershipConfig membershipConfig) {
    String id = transportConfig.memberId().shortForm();
    MessageRouter router = new MessageRouter();
    NettyTransport transport = new NettyTransport(transportConfig);
    transport.start(router).join();
    ProtocolThread membershipThread = new ProtocolThread("polis-membership-" + id);
    ProtocolThread eventThread = new ProtocolThread("polis-events-" + id);
    SwimMembership membership = new SwimMembership(membershipConfig, transport, Clock.system(), membershipThread,
        new SplittableRandom(), eventThread);
    router.routeMembership(membership::onMessage);
    membership.start().join();
    return new PolisNode(transport, membershipThread, eventThread, membership);
  }

  /** @return this member's id */
  public MemberId id() {
    return transport.localId();
  }

  /** @return the address peers reach this member at */
  public Address address() {
    return transport.localAddress();
  }

  /** @return the cluster membership as this member sees it */
  public ClusterMembership membership() {
    return membership;
  }

  /** @return the transport, for engines built on top of it */
  public Transport transport() {
    return transport;
  }

  /**
   * Announces the departure to the live members, then stops.
   *
   * @return a future that completes once stopped
   */
  public CompletableFuture<Void> leave() {
    return membership.leave().orTimeout(5, TimeUnit.SECONDS).handle((v, e) -> {
      close();
      return null;
    });
  }

  /**
   * Leaves gracefully (bounded by five seconds), then stops: what an application should do when it shuts
   * down, so that the others see a departure rather than a failure.
   */
  public void shutdown() {
    leave().join();
  }

  /** Stops every engine and closes the transport, without announcing a departure. */
  @Override
  public void close() {
    membership.stop();
    membershipThread.close();
    transport.close();
    eventThread.close();
    log.info("{} node stopped", id().shortForm());
  }
}
