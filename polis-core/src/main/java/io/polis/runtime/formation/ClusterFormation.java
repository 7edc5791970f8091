package io.polis.runtime.formation;

import io.polis.membership.ClusterMembership;
import io.polis.membership.Member;
import io.polis.raft.Configuration;
import io.polis.raft.RaftStatus;
import io.polis.raft.RaftStorage;
import io.polis.runtime.RaftDriver;
import io.polis.time.Scheduler;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forms a member's Raft group at start: announces in membership whether the member belongs to a formed
 * cluster ({@link FormationState}), looks at the live members every
 * {@link FormationConfig#pollInterval()} until {@link BootstrapDecision} says what to do (announcing the
 * voters it proposes meanwhile), and when it says bootstrap, writes the first voters into the log
 * ({@link InitialLog}). The future it returns tells the
 * owner to create the {@link RaftDriver}, always with {@link Configuration#EMPTY}: the configuration comes
 * from the log, bootstrapped here or received from the leader once autopilot adds the member.
 *
 * <p>Usage: {@code start()}; when the future completes, create and start the driver, then call
 * {@link #watch(RaftDriver)} so the member announces {@link FormationState#FORMED} once it holds a
 * configuration.
 *
 * <p>Threading: every step runs on the given {@link Scheduler}; the storage is written only before the
 * future completes, that is before any driver uses it.
 */
public final class ClusterFormation implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterFormation.class);
  /** How many polls between two "still waiting" lines: once every few seconds at the default interval. */
  private static final int WAIT_LOG_EVERY = 50;

  private final FormationConfig config;
  private final ClusterMembership membership;
  private final RaftStorage storage;
  private final Scheduler scheduler;
  private final CompletableFuture<BootstrapDecision.Outcome> outcome = new CompletableFuture<>();
  private @Nullable FormationState announced;
  private @Nullable String proposal;
  private int polls;
  private volatile boolean stopped;

  /**
   * Creates the formation step; nothing happens until {@link #start()}.
   *
   * @param config the settings
   * @param membership the member's started membership
   * @param storage the member's Raft storage, not yet used by a driver
   * @param scheduler the thread the formation runs on
   */
  public ClusterFormation(FormationConfig config, ClusterMembership membership, RaftStorage storage,
      Scheduler scheduler) {
    this.config = Objects.requireNonNull(config, "config");
    this.membership = Objects.requireNonNull(membership, "membership");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /**
   * Starts deciding.
   *
   * @return completes with the outcome ({@link BootstrapDecision.Bootstrap}, {@link BootstrapDecision.Join}
   *     or {@link BootstrapDecision.Resume}) once the driver may be created; fails if the bootstrap entry
   *     cannot be written
   */
  public CompletableFuture<BootstrapDecision.Outcome> start() {
    scheduler.execute(() -> {
      announce(InitialLog.hasState(storage) ? FormationState.FORMED : FormationState.WAITING);
      poll();
    });
    return outcome;
  }

  private void poll() {
    if (stopped || outcome.isDone()) {
      return;
    }
    Member self = membership.local();
    BootstrapDecision.Outcome decided = BootstrapDecision.decide(config, self.id(), self.address(),
        InitialLog.hasState(storage), membership.members());
    String me = self.id().shortForm();
    if (decided instanceof BootstrapDecision.Wait wait) {
      if (polls++ % WAIT_LOG_EVERY == 0) {
        log.info("{} waits to form its Raft group: {}", me, wait.reason());
      }
      // A proposal made from a view that no longer holds is withdrawn, so no one bootstraps on it.
      announce(FormationState.WAITING, null);
      scheduler.schedule(config.pollInterval(), this::poll);
      return;
    }
    if (decided instanceof BootstrapDecision.Propose propose) {
      if (!propose.digest().equals(proposal)) {
        log.info("{} proposes the first voters {} ({})", me, propose.configuration(), propose.digest());
      } else if (polls++ % WAIT_LOG_EVERY == 0) {
        log.info("{} waits to form its Raft group: {}", me, propose.reason());
      }
      announce(FormationState.WAITING, propose.digest());
      scheduler.schedule(config.pollInterval(), this::poll);
      return;
    }
    if (decided instanceof BootstrapDecision.Bootstrap bootstrap) {
      try {
        InitialLog.bootstrap(storage, bootstrap.configuration());
      } catch (RuntimeException e) {
        // A storage that cannot take the first entry cannot run the group either: tell the owner.
        log.error("{} could not bootstrap its Raft group: {}", me, e.toString(), e);
        outcome.completeExceptionally(e);
        return;
      }
      log.info("{} bootstrapped its Raft group at term {} with voters {}", me, InitialLog.BOOTSTRAP_TERM,
          bootstrap.configuration());
      announce(FormationState.FORMED);
    } else if (decided instanceof BootstrapDecision.Join join) {
      log.info("{} joins a Raft group and waits to be added: {}", me, join.reason());
      announce(FormationState.WAITING, null);
    } else {
      log.info("{} resumes its Raft group from its log at term {}", me, storage.hardState().term());
    }
    outcome.complete(decided);
  }

  /**
   * Watches a started driver and announces {@link FormationState#FORMED} once it holds a configuration.
   *
   * @param driver the member's driver
   */
  public void watch(RaftDriver driver) {
    scheduler.execute(() -> watchStep(driver));
  }

  private void watchStep(RaftDriver driver) {
    if (stopped || announced == FormationState.FORMED) {
      return;
    }
    RaftStatus s = driver.status();
    if (s.lastIndex() > 0 || !s.configuration().equals(Configuration.EMPTY)) {
      announce(FormationState.FORMED);
      return;
    }
    scheduler.schedule(config.pollInterval(), () -> watchStep(driver));
  }

  private void announce(FormationState state) {
    announce(state, null);
  }

  private void announce(FormationState state, @Nullable String newProposal) {
    if (announced != state || !Objects.equals(proposal, newProposal)) {
      announced = state;
      proposal = newProposal;
      membership.updateMetadata(state.into(membership.local().metadata(), newProposal));
    }
  }

  /** Stops polling; a future not yet complete never completes. */
  @Override
  public void close() {
    stopped = true;
  }
}
