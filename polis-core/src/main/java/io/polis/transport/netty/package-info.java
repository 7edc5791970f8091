/**
 * The TCP transport, on Netty: framing, handshake, authentication, TLS, connection management.
 *
 * <p>Everything here runs on Netty event loops, which never block: inbound messages are handed to the
 * {@link io.polis.transport.InboundHandler}, whose contract is to return at once. The one exception is
 * chosen by the node: a protocol engine run on a loop through {@link
 * io.polis.transport.netty.EventLoopScheduler} may block it briefly (a disk force), as the cost of saving
 * two thread hand-offs per message.
 */
@NullMarked
package io.polis.transport.netty;

import org.jspecify.annotations.NullMarked;
