/**
 * Cluster formation and identity: how the first voters of a Raft group are chosen at first start
 * ({@link io.polis.runtime.formation.ClusterFormation}, deciding through the pure
 * {@link io.polis.runtime.formation.BootstrapDecision}), how the group then follows the cluster's membership
 * ({@link io.polis.runtime.formation.Autopilot}, deciding through the pure
 * {@link io.polis.runtime.formation.AutopilotRules}), and the operator's way out of a permanent loss of
 * quorum ({@link io.polis.runtime.formation.QuorumRecovery}). See docs/operations.md, "Cluster formation".
 */
@NullMarked
package io.polis.runtime.formation;

import org.jspecify.annotations.NullMarked;
