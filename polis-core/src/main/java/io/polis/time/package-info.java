/**
 * Time as the protocol cores see it: a monotonic {@link io.polis.time.Clock} and a
 * {@link io.polis.time.Scheduler}. Production wires the system clock and an executor; the deterministic
 * simulator wires a simulated clock that moves only when the test says so.
 */
@NullMarked
package io.polis.time;

import org.jspecify.annotations.NullMarked;
