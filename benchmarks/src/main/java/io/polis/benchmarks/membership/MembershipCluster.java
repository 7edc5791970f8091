package io.polis.benchmarks.membership;

import io.polis.PolisNode;
import io.polis.membership.Member;
import io.polis.membership.MembershipConfig;
import io.polis.membership.SeedProvider;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.TransportConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Real members on 127.0.0.1 in this JVM, at Polis's default membership settings. */
final class MembershipCluster implements AutoCloseable {

  final List<PolisNode> nodes = new ArrayList<>();
  private Address seed;

  PolisNode start(int port) {
    TransportConfig transport = TransportConfig.builder(MemberId.random()).clusterName("bench")
        .bindHost("127.0.0.1").port(port).ioThreads(1).shutdownTimeout(Duration.ofSeconds(1)).build();
    MembershipConfig membership = MembershipConfig.builder()
        .seeds(SeedProvider.of(seed == null ? List.of() : List.of(seed))).build();
    PolisNode node = PolisNode.start(transport, membership);
    if (seed == null) {
      seed = node.address();
    }
    nodes.add(node);
    return node;
  }

  Set<MemberId> ids() {
    return nodes.stream().map(PolisNode::id).collect(Collectors.toSet());
  }

  boolean converged() {
    Set<MemberId> expected = ids();
    return nodes.stream().allMatch(n ->
        n.membership().members().stream().map(Member::id).collect(Collectors.toSet()).equals(expected));
  }

  void awaitConvergence(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!converged()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("members did not converge within " + bound);
      }
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    nodes.forEach(PolisNode::close);
  }
}
