/**
 * The wire format: sealed message records, their hand-written binary codec, and the frame envelope.
 *
 * <p>A frame on a TCP connection is a 4-byte big-endian length followed by that many bytes: a 5-byte
 * {@link io.polis.wire.Envelope} (magic, protocol version, message type, flags) and the message body.
 * Bodies are written field by field in a fixed order by {@link io.polis.wire.MessageCodec}; there is no
 * reflection and no Java serialization. Every read is bounded: lengths and counts are checked against
 * the bytes left in the frame and against the caps in {@link io.polis.wire.WireLimits} before anything is
 * allocated, so a hostile frame costs at most its own size.
 */
@NullMarked
package io.polis.wire;

import org.jspecify.annotations.NullMarked;
