/**
 * The only place that owns threads: one single-threaded executor per protocol engine, and the router
 * that hands each inbound message to the engine it belongs to.
 */
@NullMarked
package io.polis.runtime;

import org.jspecify.annotations.NullMarked;
