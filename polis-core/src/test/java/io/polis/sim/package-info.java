/**
 * The deterministic simulator's building blocks: virtual time ({@link io.polis.sim.SimulatedScheduler})
 * to run many nodes in one thread, reproducibly from one seed, together with
 * {@link io.polis.transport.local.LocalNetwork}.
 */
@NullMarked
package io.polis.sim;

import org.jspecify.annotations.NullMarked;
