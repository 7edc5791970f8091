package io.polis.runtime;

import io.polis.raft.ConsensusException;
import io.polis.raft.ConsensusTimeoutException;
import io.polis.raft.RaftGroup.Applied;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The driver's open requests: proposals waiting to be applied, reads waiting for a read index and then
 * for the state machine to catch up. Touched only on the driver thread; futures are completed through
 * the completion executor so callers' continuations never run on it.
 */
final class PendingRequests {

  private record Proposal(CompletableFuture<Applied> future, long deadline, long term) {}

  private record Read<T>(CompletableFuture<T> future, Supplier<T> read, long deadline) {
    void run(Executor completions) {
      T value;
      try {
        value = read.get();
      } catch (RuntimeException e) {
        completions.execute(() -> future.completeExceptionally(e));
        return;
      }
      completions.execute(() -> future.complete(value));
    }
  }

  private final Executor completions;
  private final Map<Long, Proposal> proposals = new HashMap<>();
  private final Map<Long, Read<?>> awaitingIndex = new HashMap<>();
  private final TreeMap<Long, List<Read<?>>> awaitingApply = new TreeMap<>();

  PendingRequests(Executor completions) {
    this.completions = completions;
  }

  void addProposal(long sequence, CompletableFuture<Applied> future, long deadline, long term) {
    proposals.put(sequence, new Proposal(future, deadline, term));
  }

  void completeProposal(long sequence, long index, byte[] result) {
    Proposal p = proposals.remove(sequence);
    if (p != null) {
      completions.execute(() -> p.future.complete(new Applied(index, result)));
    }
  }

  void failProposal(long sequence, ConsensusException e) {
    Proposal p = proposals.remove(sequence);
    if (p != null) {
      completions.execute(() -> p.future.completeExceptionally(e));
    }
  }

  /** Runs a read now, on the driver thread, completing its future elsewhere. */
  <T> void runNow(CompletableFuture<T> future, Supplier<T> read) {
    new Read<>(future, read, 0).run(completions);
  }

  <T> void addRead(long context, CompletableFuture<T> future, Supplier<T> read, long deadline) {
    awaitingIndex.put(context, new Read<>(future, read, deadline));
  }

  void failRead(long context, ConsensusException e) {
    Read<?> r = awaitingIndex.remove(context);
    if (r != null) {
      completions.execute(() -> r.future.completeExceptionally(e));
    }
  }

  /** The read's index is confirmed: run it now if applied that far, else when it is. */
  void readIndexConfirmed(long context, long index, long applied) {
    Read<?> r = awaitingIndex.remove(context);
    if (r == null) {
      return;
    }
    if (index <= applied) {
      r.run(completions);
    } else {
      awaitingApply.computeIfAbsent(index, k -> new ArrayList<>()).add(r);
    }
  }

  /** Runs the reads whose index is now applied. */
  void applied(long applied) {
    while (!awaitingApply.isEmpty() && awaitingApply.firstKey() <= applied) {
      awaitingApply.pollFirstEntry().getValue().forEach(r -> r.run(completions));
    }
  }

  /** Fails every read still waiting for its index: leadership changed, so no answer may come. */
  void failUnconfirmedReads(Supplier<ConsensusException> error) {
    for (Long context : List.copyOf(awaitingIndex.keySet())) {
      failRead(context, error.get());
    }
  }

  /** Fails requests past their deadline. */
  void expire(long now) {
    for (Iterator<Map.Entry<Long, Proposal>> it = proposals.entrySet().iterator(); it.hasNext(); ) {
      Proposal p = it.next().getValue();
      if (now - p.deadline >= 0) {
        it.remove();
        completions.execute(() -> p.future.completeExceptionally(new ConsensusTimeoutException(
            "the proposal's outcome is unknown after the request timeout: it may still be applied")));
      }
    }
    for (Iterator<Map.Entry<Long, Read<?>>> it = awaitingIndex.entrySet().iterator(); it.hasNext(); ) {
      Read<?> r = it.next().getValue();
      if (now - r.deadline >= 0) {
        it.remove();
        completions.execute(() -> r.future.completeExceptionally(new ConsensusTimeoutException(
            "no leader confirmed the read index within the request timeout")));
      }
    }
    for (Iterator<List<Read<?>>> it = awaitingApply.values().iterator(); it.hasNext(); ) {
      List<Read<?>> list = it.next();
      list.removeIf(r -> {
        if (now - r.deadline >= 0) {
          completions.execute(() -> r.future.completeExceptionally(new ConsensusTimeoutException(
              "this member did not apply up to the read index within the request timeout")));
          return true;
        }
        return false;
      });
      if (list.isEmpty()) {
        it.remove();
      }
    }
  }

  /** Fails everything: the driver stops. */
  void failAll(Supplier<ConsensusException> error) {
    for (Long s : List.copyOf(proposals.keySet())) {
      failProposal(s, error.get());
    }
    failUnconfirmedReads(error);
    for (List<Read<?>> list : awaitingApply.values()) {
      list.forEach(r -> completions.execute(() -> r.future.completeExceptionally(error.get())));
    }
    awaitingApply.clear();
  }

  int size() {
    return proposals.size() + awaitingIndex.size() + awaitingApply.values().stream().mapToInt(List::size).sum();
  }
}
