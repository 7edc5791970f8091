package io.polis.wire;

/**
 * A message that a protocol (membership, consensus, messaging) sends to a peer through a
 * {@link io.polis.transport.Transport}. Only these may be sent once a connection is established.
 */
public sealed interface PeerMessage extends Message permits DataMessage, SwimMessage, RaftMessage {}
