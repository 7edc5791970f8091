/**
 * The replicated key-value store: {@link io.polis.kv.KvStateMachine}, the Raft state machine that holds
 * the versioned entries, and {@link io.polis.kv.ReplicatedKeyValueStore}, the
 * {@link io.polis.KeyValueStore} that turns calls into commands proposed to a
 * {@link io.polis.raft.RaftGroup} and reads through it.
 *
 * <p>Commands and their results travel as opaque log entries and results in a hand-written binary
 * format ({@code KvCodec}) that starts with a format byte, so members can later learn a second format
 * while still reading the first. Wiring: create the state machine, give it to the group's driver as its
 * {@link io.polis.raft.StateMachine}, then wrap the group and the same state machine in the store.
 */
@NullMarked
package io.polis.kv;

import org.jspecify.annotations.NullMarked;
