package io.polis.runtime.formation;

import io.polis.membership.ClusterMembership;
import io.polis.membership.Member;
import io.polis.node.MemberId;
import io.polis.raft.ConfigChange;
import io.polis.raft.ProposalRejectedException;
import io.polis.raft.RaftRole;
import io.polis.raft.RaftStatus;
import io.polis.runtime.RaftDriver;
import io.polis.time.Clock;
import io.polis.time.Scheduler;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a Raft group's configuration in line with the cluster's membership, like Consul's autopilot. It
 * runs on every member and acts only while its member leads: every {@link AutopilotConfig#interval()} it
 * builds an {@link AutopilotRules.View} from membership and the driver, and proposes the one change
 * {@link AutopilotRules} chooses through {@link RaftDriver#changeConfiguration}. A change the core refuses
 * ({@link ProposalRejectedException}: the previous one has not committed, leadership moved) is simply chosen
 * again in a later round, so autopilot needs no state beyond when it first saw each member not live.
 *
 * <p>Threading: every step runs on the given {@link Scheduler} (one task at a time); futures of the driver
 * hop back onto it. Time comes only from the {@link Clock}, so it runs unchanged in the simulator.
 */
public final class Autopilot implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Autopilot.class);

  private final AutopilotConfig config;
  private final RaftDriver driver;
  private final ClusterMembership membership;
  private final Scheduler scheduler;
  private final Clock clock;
  private final String me;
  /** When each configuration member was first seen not live, in this member's current leadership. */
  private final Map<MemberId, Long> notLiveSince = new HashMap<>();
  private long ledTerm = -1;
  /** A round is between asking the driver and hearing back; the next one skips. */
  private boolean busy;
  /** A proposal is out; busy stays set until it is answered, so changes go one at a time. */
  private boolean proposing;
  private volatile boolean stopped;

  /**
   * Creates an autopilot; nothing happens until {@link #start()}.
   *
   * @param config the settings
   * @param driver the member's Raft driver
   * @param membership the member's view of the cluster
   * @param scheduler the thread autopilot runs on
   * @param clock the clock for the grace period
   */
  public Autopilot(AutopilotConfig config, RaftDriver driver, ClusterMembership membership, Scheduler scheduler,
      Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.driver = Objects.requireNonNull(driver, "driver");
    this.membership = Objects.requireNonNull(membership, "membership");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.me = driver.localId().shortForm();
  }

  /** Starts the periodic rounds. */
  public void start() {
    scheduler.schedule(config.interval(), this::round);
  }

  /** Stops the rounds; a proposal already made still completes. */
  @Override
  public void close() {
    stopped = true;
  }

  private void round() {
    if (stopped) {
      return;
    }
    scheduler.schedule(config.interval(), this::round);
    RaftStatus status = driver.status();
    if (status.role() != RaftRole.LEADER) {
      notLiveSince.clear();
      ledTerm = -1;
      return;
    }
    if (status.term() != ledTerm) {
      // A new leadership starts its grace periods afresh: it cannot know how long the old leader waited.
      notLiveSince.clear();
      ledTerm = status.term();
    }
    if (busy) {
      return;
    }
    busy = true;
    driver.matchIndexes().whenComplete((match, error) -> scheduler.execute(() -> {
      try {
        if (error == null && !stopped) {
          decide(match);
        }
      } finally {
        if (!proposing) {
          busy = false;
        }
      }
    }));
  }

  private void decide(Map<MemberId, Long> match) {
    RaftStatus status = driver.status();
    if (status.role() != RaftRole.LEADER || match.isEmpty()) {
      return;
    }
    Collection<Member> live = membership.members();
    long now = clock.nanos();
    Map<MemberId, Duration> notLiveFor = new HashMap<>();
    for (MemberId id : status.configuration().members()) {
      boolean isLive = id.equals(status.id()) || live.stream().anyMatch(m -> m.id().equals(id));
      if (isLive) {
        notLiveSince.remove(id);
      } else {
        notLiveFor.put(id, Duration.ofNanos(now - notLiveSince.computeIfAbsent(id, k -> now)));
      }
    }
    notLiveSince.keySet().retainAll(status.configuration().members());
    Optional<AutopilotRules.Decision> decision = AutopilotRules.next(config, new AutopilotRules.View(status.id(),
        status.configuration(), status.lastIndex(), match, live, notLiveFor));
    if (decision.isEmpty()) {
      return;
    }
    ConfigChange change = decision.get().change();
    log.info("{} autopilot proposes {} {} at term {}: {}", me, change.kind(), change.member().shortForm(),
        status.term(), decision.get().reason());
    proposing = true;
    driver.changeConfiguration(change).whenComplete((index, e) -> scheduler.execute(() -> {
      proposing = false;
      busy = false;
      if (e != null) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        // Refused now (a change in flight, a new leader): the next round looks again.
        log.info("{} autopilot's {} {} was not taken: {}", me, change.kind(), change.member().shortForm(),
            cause.getMessage());
      }
    }));
  }

  /**
   * Returns when autopilot first saw a member of the configuration not live, for tests and diagnostics.
   *
   * @param id the member
   * @return the clock reading, or null when it is live or autopilot does not lead
   */
  @Nullable Long notLiveSince(MemberId id) {
    return notLiveSince.get(id);
  }
}
