/**
 * The TCP transport, on Netty: framing, handshake, authentication, TLS, connection management.
 *
 * <p>Everything here runs on Netty event loops, which never block: inbound messages are handed to the
 * {@link io.polis.transport.InboundHandler}, whose contract is to return at once.
 */
@NullMarked
package io.polis.transport.netty;

import org.jspecify.annotations.NullMarked;
