package io.polis.raft;

/**
 * A confirmed linearizable read: once this member has applied up to {@code index}, it may answer the
 * read identified by {@code context}.
 *
 * @param context the identifier given to {@link RaftCore#readIndex(long)}
 * @param index the read index
 */
public record ReadState(long context, long index) {}
