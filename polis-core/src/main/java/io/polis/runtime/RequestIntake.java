package io.polis.runtime;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.ConsensusException;
import io.polis.raft.NoQuorumException;
import io.polis.raft.NotLeaderException;
import io.polis.raft.ProposalRejectedException;
import io.polis.raft.RaftCore;
import io.polis.raft.RaftGroup.Applied;
import io.polis.raft.RaftRole;
import io.polis.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Takes a {@link RaftDriver}'s requests in: hands each from the caller's thread to the driver thread, where
 * it refuses at once what cannot start on this member (with a typed exception saying why), registers the
 * rest with {@link PendingRequests}, starts linearizable reads, and numbers proposals and holds them until
 * the driver's next round proposes them all as one batch ({@link #proposeBatch()}, group commit). Apart
 * from the hand-off in the request methods, it is touched only on the driver thread; futures complete on
 * the completion executor, except when the driver has stopped, where they fail on the caller's thread.
 */
final class RequestIntake {

  private final MemberId id;
  private final RaftDriverConfig config;
  private final RaftCore core;
  private final MemberId session;
  private final PendingRequests pending;
  private final Clock clock;
  private final Executor completions;
  private final Predicate<Runnable> toDriver;
  private final List<byte[]> batch = new ArrayList<>();
  private final List<Long> batchSequences = new ArrayList<>();
  private long nextSequence;
  private long nextReadContext;

  /**
   * @param session this run of the member, written in every command's header
   * @param toDriver hands a task to the driver thread; false once the driver has stopped
   */
  RequestIntake(MemberId id, RaftDriverConfig config, RaftCore core, MemberId session, PendingRequests pending,
      Clock clock, Executor completions, Predicate<Runnable> toDriver) {
    this.id = id;
    this.config = config;
    this.core = core;
    this.session = session;
    this.pending = pending;
    this.clock = clock;
    this.completions = completions;
    this.toDriver = toDriver;
  }

  CompletableFuture<Applied> propose(byte[] command) {
    Objects.requireNonNull(command, "command");
    return handOff(future -> enqueueProposal(command, future));
  }

  <T> CompletableFuture<T> readLinearizable(Supplier<T> read) {
    Objects.requireNonNull(read, "read");
    return handOff(future -> startRead(read, future));
  }

  <T> CompletableFuture<T> readLocal(Supplier<T> read) {
    Objects.requireNonNull(read, "read");
    return handOff(future -> pending.runNow(future, read));
  }

  /** Runs a core call on the driver thread; a refusal fails the future with its typed exception. */
  <T> CompletableFuture<T> onDriverThread(Supplier<T> call) {
    return handOff(future -> {
      try {
        T result = call.get();
        completions.execute(() -> future.complete(result));
      } catch (ConsensusException e) {
        completions.execute(() -> future.completeExceptionally(e));
      }
    });
  }

  /** Hands {@code start} and a new future to the driver thread; fails the future here if the driver stopped. */
  private <T> CompletableFuture<T> handOff(Consumer<CompletableFuture<T>> start) {
    CompletableFuture<T> future = new CompletableFuture<>();
    if (!toDriver.test(() -> start.accept(future))) {
      future.completeExceptionally(stopped());
    }
    return future;
  }

  /**
   * Proposes the commands taken in since the last call as one batch; if the core refuses it, fails each
   * of them. The driver calls it before it asks the core for Readys, so the batch goes out in them.
   */
  void proposeBatch() {
    if (batch.isEmpty()) {
      return;
    }
    if (!core.propose(List.copyOf(batch))) {
      ConsensusException e = core.role() == RaftRole.LEADER
          ? new ProposalRejectedException("leadership of group " + config.group() + " is being transferred")
          : notLeader();
      batchSequences.forEach(s -> pending.failProposal(s, e));
    }
    batch.clear();
    batchSequences.clear();
  }

  /** The failure for a request this member cannot serve; it names the leader, when one is known, to retry at. */
  NotLeaderException notLeader() {
    MemberId leader = core.leader();
    if (leader == null) {
      return new NotLeaderException("no leader is known for group " + config.group() + " (" + id.shortForm()
          + " is " + core.role() + " at term " + core.term() + "); retry once one is elected", null, null);
    }
    Address address = core.configuration().address(leader);
    return new NotLeaderException("leadership of group " + config.group() + " changed; the leader is now "
        + leader.shortForm() + (address == null ? "" : " at " + address), leader, address);
  }

  /** The failure for a request made after the driver stopped, or still open when it did. */
  NotLeaderException stopped() {
    return new NotLeaderException("member " + id.shortForm() + " has stopped its Raft group " + config.group(),
        null, null);
  }

  private void enqueueProposal(byte[] command, CompletableFuture<Applied> future) {
    ConsensusException refusal = refusal();
    if (refusal != null) {
      completions.execute(() -> future.completeExceptionally(refusal));
      return;
    }
    long sequence = ++nextSequence;
    pending.addProposal(sequence, future, deadline(), core.term());
    batch.add(new CommandEnvelope(session, sequence, command).encode());
    batchSequences.add(sequence);
  }

  private <T> void startRead(Supplier<T> read, CompletableFuture<T> future) {
    ConsensusException refusal = refusal();
    if (refusal != null) {
      completions.execute(() -> future.completeExceptionally(refusal));
      return;
    }
    long context = ++nextReadContext;
    pending.addRead(context, future, read, deadline());
    if (!core.readIndex(context)) {
      pending.failRead(context, notLeader());
    }
  }

  /** Why a request cannot even start here, or null. */
  private @Nullable ConsensusException refusal() {
    if (!core.configuration().contains(id)) {
      // The leader would drop what this member forwards; say so now rather than after the timeout.
      return new ProposalRejectedException(id.shortForm() + " is not (or not yet) a member of group "
          + config.group() + "'s configuration " + core.configuration());
    }
    if (core.role() == RaftRole.LEADER) {
      return core.leaderHasQuorum() ? null : new NoQuorumException(id.shortForm() + " leads group "
          + config.group() + " at term " + core.term() + " but has not heard from a majority of voters recently");
    }
    return core.leader() == null ? notLeader() : null;
  }

  private long deadline() {
    return clock.nanos() + config.requestTimeout().toNanos();
  }
}
