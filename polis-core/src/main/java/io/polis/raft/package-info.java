/**
 * The Raft consensus core: a pure state machine ({@link io.polis.raft.RaftCore}) that turns ticks,
 * messages and proposals into {@link io.polis.raft.Ready} batches, with the SPIs its driver plugs into
 * ({@link io.polis.raft.RaftStorage}, {@link io.polis.raft.StateMachine}) and the interface services
 * program against ({@link io.polis.raft.RaftGroup}), and the two stores: {@link io.polis.raft.InMemoryRaftStorage}
 * and {@link io.polis.raft.FileRaftStorage}, and the snapshot store
 * {@link io.polis.raft.FileSnapshotStore}.
 *
 * <p>Nothing here starts a thread, reads a clock or touches a socket: time moves only by
 * {@link io.polis.raft.RaftCore#tick()}, and randomness comes from an injected generator. The file stores
 * are the parts that do I/O; they too have no thread, and read time only through an injected
 * {@link io.polis.time.Clock}.
 */
@NullMarked
package io.polis.raft;

import org.jspecify.annotations.NullMarked;
