/**
 * A linearizability checker for client histories of a replicated key-value store, for simulator tests.
 *
 * <p>A test records what each client asked and heard ({@link io.polis.sim.linearizability.HistoryRecorder}
 * builds {@link io.polis.sim.linearizability.Operation}s) and hands the history to
 * {@link io.polis.sim.linearizability.LinearizabilityChecker}, which searches, key by key, for an order
 * of the operations that respects real time and that the sequential
 * {@link io.polis.sim.linearizability.RegisterModel} accepts. The fixture knows no store implementation:
 * the model is its own specification of get, put, delete and compare-and-set on versioned keys.
 *
 * <p>Tests should write a distinct value in every PUT and CAS (say client and sequence number): a value
 * then tells which write a read saw, which keeps the search cheap even when many operations timed out.
 */
@NullMarked
package io.polis.sim.linearizability;

import org.jspecify.annotations.NullMarked;
