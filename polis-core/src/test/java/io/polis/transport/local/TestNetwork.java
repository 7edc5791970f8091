package io.polis.transport.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.sim.SimulatedScheduler;
import io.polis.transport.PeerInfo;
import io.polis.transport.TransportConfig;
import io.polis.wire.DataMessage;
import io.polis.wire.PeerMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A local network on a simulated scheduler, with nodes that record what they receive. Member ids come
 * from a counter, so they are the same in every run.
 */
final class TestNetwork {

  /** Port every test node listens on; nodes differ by host name. */
  static final int PORT = 7800;

  final SimulatedScheduler scheduler = new SimulatedScheduler();
  final LocalNetwork network;
  /** Every delivery on this network, in order. */
  final List<Received> trace = new ArrayList<>();
  private long nextMemberId = 1;

  TestNetwork(long seed) {
    network = new LocalNetwork(scheduler, new Random(seed));
  }

  /** A delivery: when, from which peer, to which address, what. */
  record Received(Duration at, PeerInfo from, Address to, PeerMessage message) {

    /** The number carried by a message made with {@link #message(int)}. */
    int number() {
      return TestNetwork.number(message);
    }
  }

  /** A started node. */
  final class Node {
    final LocalTransport transport;
    final List<Received> inbox = new ArrayList<>();

    private Node(LocalTransport transport) {
      this.transport = transport;
    }

    Address address() {
      return transport.localAddress();
    }

    PeerInfo info() {
      return new PeerInfo(transport.localId(), transport.localAddress());
    }

    CompletableFuture<Void> send(Node to, int number) {
      return transport.send(to.address(), message(number));
    }

    List<Integer> numbers() {
      return inbox.stream().map(Received::number).toList();
    }
  }

  MemberId nextMemberId() {
    return new MemberId(new UUID(0, nextMemberId++));
  }

  /** Returns a configuration for a node advertising {@code host:7800}, with a fresh member id. */
  TransportConfig.Builder config(String host) {
    return config(host, nextMemberId());
  }

  /** Returns a configuration for a node advertising {@code host:7800} with the given member id. */
  TransportConfig.Builder config(String host, MemberId id) {
    return TransportConfig.builder(id).advertisedAddress(new Address(host, PORT));
  }

  Node start(String host) {
    return start(config(host));
  }

  Node start(TransportConfig.Builder config) {
    Node node = new Node(network.transport(config.build()));
    CompletableFuture<Void> started = node.transport.start((from, message) -> {
      Received received = new Received(scheduler.now(), from, node.address(), message);
      node.inbox.add(received);
      trace.add(received);
    });
    assertThat(started).isCompleted();
    return node;
  }

  /** Connects each node to each other and waits for the handshakes. */
  void connectAll(Node... nodes) {
    for (Node from : nodes) {
      for (Node to : nodes) {
        from.transport.connect(to.address());
      }
    }
    scheduler.runUntilIdle();
  }

  void runUntilIdle() {
    scheduler.runUntilIdle();
  }

  static DataMessage message(int number) {
    return new DataMessage("test", ByteBuffer.allocate(4).putInt(number).array());
  }

  static int number(PeerMessage message) {
    return ByteBuffer.wrap(((DataMessage) message).payload()).getInt();
  }

  /** Returns the exception a future failed with, as given to completeExceptionally (not wrapped). */
  static Throwable failureOf(CompletableFuture<?> future) {
    assertThat(future).isCompletedExceptionally();
    return future.handle((value, failure) -> failure).join();
  }

  /** Counts the places where a received number is followed by a smaller one; zero means in order. */
  static int inversions(List<Integer> numbers) {
    int count = 0;
    for (int i = 0; i + 1 < numbers.size(); i++) {
      if (numbers.get(i) > numbers.get(i + 1)) {
        count++;
      }
    }
    return count;
  }
}
