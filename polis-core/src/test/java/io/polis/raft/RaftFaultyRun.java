package io.polis.raft;

import static io.polis.raft.RaftFixtures.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.MemberId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * A seeded run of random faults over a {@link RaftNet}: ticks, proposals, crashes and restarts,
 * partitions and message loss, and optionally a network that reorders, duplicates and delays, reads,
 * leadership transfers and membership changes. After every step it checks Raft's safety properties
 * ({@link RaftFixtures.SafetyChecker}) and that every read index answered covers everything committed
 * before the read was asked; after a quiet period, that every member applies the same commands.
 */
final class RaftFaultyRun {

  private static final int E = RaftNet.SCRIPTED.electionTicks();

  private final RaftNet net;
  private final SplittableRandom random;
  private final RaftFixtures.SafetyChecker safety = new RaftFixtures.SafetyChecker();
  private final List<RaftNet.Envelope> delayed = new ArrayList<>();
  /** Per read context: who asked, and the highest commit index anywhere when it asked. */
  private final Map<Long, long[]> readsAsked = new HashMap<>();
  private final Map<MemberId, Integer> readStatesChecked = new HashMap<>();
  private boolean chaoticNetwork;
  private boolean reads;
  private boolean transfers;
  private boolean membershipChanges;
  private long nextReadContext = 1;
  private int proposals;
  int readsAnswered;

  RaftFaultyRun(RaftNet net, long seed) {
    this.net = net;
    this.random = new SplittableRandom(seed);
  }

  RaftFaultyRun chaoticNetwork() {
    chaoticNetwork = true;
    return this;
  }

  RaftFaultyRun withReads() {
    reads = true;
    return this;
  }

  RaftFaultyRun withTransfers() {
    transfers = true;
    return this;
  }

  RaftFaultyRun withMembershipChanges() {
    membershipChanges = true;
    return this;
  }

  RaftFaultyRun run() {
    for (int step = 0; step < 400; step++) {
      act(random.nextInt(net.ids.size()), random.nextInt(100));
      if (chaoticNetwork) {
        deliverChaotically();
      } else {
        net.stabilize();
      }
      check();
    }
    net.inFlight.addAll(delayed);
    net.heal();
    for (int i = 0; i < net.ids.size(); i++) {
      if (net.down.contains(net.id(i))) {
        net.restart(i);
      }
    }
    net.tickAll(20 * E);
    check();
    RaftCore leader = net.leader();
    assertThat(leader).isNotNull();
    net.propose(net.ids.indexOf(leader.id()), "final");
    net.tickAll(3);
    check();
    List<String> expected = net.appliedCommands(net.ids.indexOf(leader.id()));
    assertThat(expected).endsWith("final");
    for (MemberId id : leader.configuration().members()) {
      int i = net.ids.indexOf(id);
      assertThat(net.core(i).lastIndex()).as("member %d's log", i + 1).isEqualTo(leader.lastIndex());
      assertThat(net.appliedCommands(i)).as("member %d applied", i + 1).isEqualTo(expected);
    }
    return this;
  }

  private void act(int i, int action) {
    MemberId id = net.id(i);
    boolean up = !net.down.contains(id);
    if (action < 45) {
      net.tickAll(1);
    } else if (action < 63) {
      if (up) {
        net.propose(i, "p" + proposals++);
      }
    } else if (action < 68) {
      if (net.down.size() < 2) {
        net.crash(i);
      }
    } else if (action < 75) {
      if (!up) {
        net.restart(i);
      }
    } else if (action < 80) {
      net.isolate(i);
    } else if (action < 85) {
      net.heal();
      int lossPercent = random.nextInt(30);
      SplittableRandom loss = random.split();
      net.dropWhere(e -> loss.nextInt(100) < lossPercent);
    } else if (action < 88) {
      net.heal();
    } else if (action < 92) {
      for (int k = 0; reads && k < net.ids.size(); k++) {
        if (!net.down.contains(net.id(k))) {
          askRead(k);
        }
      }
    } else if (action < 96) {
      if (transfers) {
        transfer();
      }
    } else if (membershipChanges) {
      changeMembership(id);
    }
  }

  private void askRead(int i) {
    long context = nextReadContext++;
    long committed = net.cores.values().stream().mapToLong(RaftCore::commitIndex).max().orElse(0);
    if (net.core(i).readIndex(context)) {
      readsAsked.put(context, new long[] {i, committed});
    }
  }

  private void transfer() {
    RaftCore leader = net.leader();
    if (leader != null) {
      List<MemberId> voters = new ArrayList<>(leader.configuration().voters().keySet());
      try {
        leader.transferLeadership(voters.get(random.nextInt(voters.size())));
      } catch (ProposalRejectedException ignored) {
        // not a voter any more, or leadership moved: nothing to do
      }
    }
  }

  private void changeMembership(MemberId member) {
    RaftCore leader = net.leader();
    if (leader == null) {
      return;
    }
    Configuration config = leader.configuration();
    ConfigChange change;
    if (config.isVoter(member)) {
      if (config.voters().size() <= 3) {
        return;
      }
      change = new ConfigChange(ConfigChange.Kind.REMOVE, member, null);
    } else if (config.contains(member)) {
      change = new ConfigChange(ConfigChange.Kind.PROMOTE_LEARNER, member, null);
    } else {
      change = new ConfigChange(ConfigChange.Kind.ADD_LEARNER, member, address(net.ids.indexOf(member) + 1));
    }
    try {
      leader.proposeConfigChange(change);
    } catch (ProposalRejectedException ignored) {
      // another change in flight, no entry of its term committed yet, or a transfer under way
    }
  }

  /** Delivers in shuffled rounds, duplicating some messages and holding others back for later. */
  private void deliverChaotically() {
    net.flushReady();
    for (int round = 0; round < 30 && !net.inFlight.isEmpty(); round++) {
      List<RaftNet.Envelope> batch = new ArrayList<>(net.inFlight);
      net.inFlight.clear();
      if (random.nextInt(4) == 0) {
        batch.addAll(delayed);
        delayed.clear();
      }
      Collections.shuffle(batch, new Random(random.nextLong()));
      for (RaftNet.Envelope e : batch) {
        int fate = random.nextInt(20);
        if (fate == 0) {
          delayed.add(e);
        } else {
          net.inFlight.add(e);
          if (fate == 1) {
            net.inFlight.add(e);
          }
        }
      }
      net.deliverQueued();
    }
  }

  private void check() {
    safety.check(net);
    for (int i = 0; i < net.ids.size(); i++) {
      MemberId id = net.id(i);
      List<ReadState> answered = net.reads.get(id);
      for (int k = readStatesChecked.getOrDefault(id, 0); k < answered.size(); k++) {
        ReadState read = answered.get(k);
        long[] asked = readsAsked.get(read.context());
        assertThat(asked).as("read %d answered at member %d was asked", read.context(), i + 1).isNotNull();
        assertThat(asked[0]).as("member that asked read %d", read.context()).isEqualTo(i);
        assertThat(read.index()).as("index of read %d, asked when %d was committed", read.context(), asked[1])
            .isGreaterThanOrEqualTo(asked[1]);
        readsAnswered++;
      }
      readStatesChecked.put(id, answered.size());
    }
  }
}
