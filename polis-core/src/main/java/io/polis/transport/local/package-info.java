/**
 * The in-memory transport, for tests and the deterministic simulator.
 *
 * <p>A {@link io.polis.transport.local.LocalNetwork} is the shared medium: it hands out
 * {@link io.polis.transport.local.LocalTransport}s, schedules every delivery on one
 * {@link io.polis.time.Scheduler}, draws every random decision from one seeded generator, and injects
 * the faults described by {@link io.polis.transport.local.NetworkFaults} (loss, delay, duplication,
 * reordering) and by its blocks (one-way cuts, partitions, isolation). Its
 * {@link io.polis.transport.local.NetworkStats} count what happened to the messages.
 *
 * <p>Nothing here is thread-safe: one scheduler thread drives the network and every node on it.
 */
@NullMarked
package io.polis.transport.local;

import org.jspecify.annotations.NullMarked;
