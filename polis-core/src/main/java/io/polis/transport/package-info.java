/**
 * The transport SPI: how a node's protocols reach their peers.
 *
 * <p>{@link io.polis.transport.Transport} is the seam. {@code io.polis.transport.netty} implements it
 * over TCP (with a versioned handshake, HMAC authentication and optional TLS);
 * {@code io.polis.transport.local} implements it in memory for tests and the deterministic simulator.
 * Failures reach the caller as subclasses of {@link io.polis.transport.TransportException}.
 */
@NullMarked
package io.polis.transport;

import org.jspecify.annotations.NullMarked;
