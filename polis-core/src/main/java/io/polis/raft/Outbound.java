package io.polis.raft;

import io.polis.node.MemberId;
import io.polis.wire.RaftMessage;

/**
 * A message the core wants sent.
 *
 * @param to the recipient
 * @param message the message
 */
public record Outbound(MemberId to, RaftMessage message) {}
