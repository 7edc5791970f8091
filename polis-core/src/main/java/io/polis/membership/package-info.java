/**
 * Cluster membership: who is in the cluster, found by SWIM failure detection with the Lifeguard
 * refinements, spread by piggybacked gossip and periodic full-state exchange.
 *
 * <p>The engine ({@link io.polis.membership.SwimMembership}) is single-threaded and deterministic: it
 * reads time only through {@link io.polis.time.Clock}, runs its timers and handles its messages on one
 * {@link io.polis.time.Scheduler}, draws randomness from an injected generator, and talks to peers only
 * through a {@link io.polis.transport.Transport}. That is what lets the simulator run hundreds of members
 * in one thread and replay any run from its seed.
 */
@NullMarked
package io.polis.membership;

import org.jspecify.annotations.NullMarked;
