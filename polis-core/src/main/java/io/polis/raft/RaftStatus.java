package io.polis.raft;

import io.polis.node.MemberId;
import org.jspecify.annotations.Nullable;

/**
 * A member's view of its group at one moment.
 *
 * @param id the member
 * @param role its role
 * @param term its current term
 * @param leader the leader it knows in that term, or null
 * @param commitIndex the highest index it knows committed
 * @param appliedIndex the highest index it has applied
 * @param lastIndex the last index in its log
 * @param configuration the voters and learners it uses
 * @param lostEntry an entry it may have acknowledged and lost when its log was opened, which no leader has
 *     committed on it since; while there is one it does not campaign (see {@link HardState.LostEntry})
 */
public record RaftStatus(MemberId id, RaftRole role, long term, @Nullable MemberId leader, long commitIndex,
    long appliedIndex, long lastIndex, Configuration configuration, HardState.@Nullable LostEntry lostEntry) {}
