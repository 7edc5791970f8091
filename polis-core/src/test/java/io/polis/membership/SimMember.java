package io.polis.membership;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.runtime.MessageRouter;
import io.polis.sim.PausableScheduler;
import io.polis.sim.Simulation;
import io.polis.transport.TransportConfig;
import io.polis.transport.local.LocalTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** One simulated cluster member: an in-memory transport and an unchanged SwimMembership. */
final class SimMember {

  final int index;
  final Address address;
  private final Simulation sim;
  private final MembershipConfig config;
  final List<MembershipEvent> events = new ArrayList<>();
  private @Nullable MemberId id;
  private @Nullable LocalTransport transport;
  private @Nullable SwimMembership membership;
  private @Nullable PausableScheduler scheduler;
  private boolean up;

  SimMember(Simulation sim, int index, MembershipConfig config) {
    this.sim = sim;
    this.index = index;
    this.address = new Address("node-" + index, 7800);
    this.config = config;
  }

  /** Starts (or restarts) the member under a fresh id, as a process restarted without its data. */
  void start() {
    MemberId newId = MemberId.random(sim.fork());
    PausableScheduler s = new PausableScheduler(sim.scheduler());
    LocalTransport t = sim.network().transport(TransportConfig.builder(newId).clusterName("sim")
        .advertisedAddress(address).build());
    MessageRouter router = new MessageRouter();
    t.start(router);
    SwimMembership m = new SwimMembership(config, t, sim.scheduler(), s, sim.fork(), s::execute);
    if (Boolean.getBoolean("polis.sim.trace")) {
      router.routeMembership((from, msg) -> {
        System.out.printf("%8d ms %s <- %s %s %s%n", sim.scheduler().nanos() / 1_000_000, this,
            from.memberId().shortForm(), msg.type(), msg.updates().stream()
                .map(u -> u.member().shortForm() + ":" + u.status() + u.incarnation()).toList());
        m.onMessage(from, msg);
      });
    } else {
      router.routeMembership(m::onMessage);
    }
    m.addListener(events::add);
    if (Boolean.getBoolean("polis.sim.trace")) {
      m.addListener(e -> System.out.printf("%8d ms %s: %s%n", sim.scheduler().nanos() / 1_000_000, this, e));
    }
    m.start();
    id = newId;
    transport = t;
    membership = m;
    scheduler = s;
    up = true;
  }

  /** Stops the member abruptly: no goodbye, every pending timer dropped. */
  void crash() {
    if (!up) {
      return;
    }
    up = false;
    scheduler().kill();
    transport().shutdown();
  }

  void pause() {
    scheduler().pause();
  }

  void resume() {
    scheduler().resume();
  }

  boolean paused() {
    return scheduler().paused();
  }

  boolean up() {
    return up;
  }

  MemberId id() {
    if (id == null) {
      throw new IllegalStateException("not started");
    }
    return id;
  }

  SwimMembership membership() {
    if (membership == null) {
      throw new IllegalStateException("not started");
    }
    return membership;
  }

  Set<MemberId> liveView() {
    return membership().members().stream().map(Member::id).collect(Collectors.toSet());
  }

  private PausableScheduler scheduler() {
    if (scheduler == null) {
      throw new IllegalStateException("not started");
    }
    return scheduler;
  }

  private LocalTransport transport() {
    if (transport == null) {
      throw new IllegalStateException("not started");
    }
    return transport;
  }

  @Override
  public String toString() {
    return "node-" + index + (id == null ? "" : "/" + id.shortForm()) + (up ? "" : " (down)");
  }
}
