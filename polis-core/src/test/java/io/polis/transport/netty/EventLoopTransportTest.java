package io.polis.transport.netty;

import static io.polis.transport.netty.TestNode.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import io.polis.node.MemberId;
import io.polis.transport.InboundHandler;
import io.polis.transport.TlsConfig;
import io.polis.transport.TransportConfig;
import io.polis.transport.netty.TestCertificates.Authority;
import io.polis.wire.PeerMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A protocol engine run on the transport's event loop ({@link NettyTransport#eventLoopScheduler()}):
 * where its inbound messages arrive, and that what it sends leaves at once, even when it then blocks the
 * loop as a Raft follower does while forcing its log.
 */
class EventLoopTransportTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void theSchedulerIsRefusedBeforeTheTransportHasStarted() {
    NettyTransport transport = new NettyTransport(TransportConfig.builder(MemberId.random())
        .bindHost("127.0.0.1").port(0).build());

    assertThatIllegalStateException().isThrownBy(transport::eventLoopScheduler)
        .withMessageContaining("not started").withMessageContaining("start()");
  }

  @Test
  void withOneIoThreadInboundMessagesArriveOnTheSchedulersLoop() throws Exception {
    // B answers from its inbound handler, so A's message comes in on B's accepted connection and the
    // answer on A's; each handler notes whether it ran on its own transport's scheduler loop.
    AtomicReference<NettyTransport> aRef = new AtomicReference<>();
    AtomicReference<NettyTransport> bRef = new AtomicReference<>();
    CompletableFuture<Boolean> atA = new CompletableFuture<>();
    CompletableFuture<Boolean> atB = new CompletableFuture<>();
    try (NettyTransport a = startTransport((from, message) ->
            atA.complete(aRef.get().eventLoopScheduler().inEventLoop()));
        NettyTransport b = startTransport((from, message) -> {
          atB.complete(bRef.get().eventLoopScheduler().inEventLoop());
          bRef.get().send(from.advertisedAddress(), data("pong"));
        })) {
      aRef.set(a);
      bRef.set(b);
      assertThat(a.eventLoopScheduler()).isSameAs(a.eventLoopScheduler());

      a.send(b.localAddress(), data("ping")).join();

      assertThat(atB).succeedsWithin(WAIT).isEqualTo(true);
      assertThat(atA).succeedsWithin(WAIT).isEqualTo(true);
    }
  }

  @Test
  void aMessageSentFromTheLoopLeavesWhileTheLoopIsBlocked() throws Exception {
    try (TestNode a = TestNode.start(); TestNode b = TestNode.start()) {
      assertSentFromTheLoopArrivesWhileTheLoopIsBlocked(a, b);
    }
  }

  @Test
  void underTlsAMessageSentFromTheLoopLeavesWhileTheLoopIsBlocked() throws Exception {
    Authority cluster = TestCertificates.newAuthority(dir, "cluster");
    TlsConfig aTls = cluster.issue("a").tls(true);
    TlsConfig bTls = cluster.issue("b").tls(true);
    try (TestNode a = TestNode.start(c -> c.tls(aTls)); TestNode b = TestNode.start(c -> c.tls(bTls))) {
      assertSentFromTheLoopArrivesWhileTheLoopIsBlocked(a, b);
    }
  }

  @Test
  void aBurstSentFromTheLoopArrivesInOrder() throws Exception {
    try (TestNode a = TestNode.start(); TestNode b = TestNode.start()) {
      a.transport.connect(b.address()).join();

      List<CompletableFuture<Void>> sends = sendFromTheLoop(a, b, 0, 2_000);

      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertReceivedInOrder(b, 0, 2_000);
    }
  }

  @Test
  void messagesSentFromTheLoopWhileConnectingArriveInOrderWithThoseSentAfter() throws Exception {
    try (TestNode a = TestNode.start(); TestNode b = TestNode.start()) {
      // No connection yet: the first send dials, the rest queue until the handshake ends (on the loop).
      List<CompletableFuture<Void>> sends = sendFromTheLoop(a, b, 0, 200);
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      sends = sendFromTheLoop(a, b, 200, 400);

      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertReceivedInOrder(b, 0, 400);
    }
  }

  @Test
  void afterTheTransportHasStoppedTheSchedulerDropsTasksWithoutAnException() {
    TestNode a = TestNode.start();
    EventLoopScheduler scheduler = a.transport.eventLoopScheduler();
    a.transport.shutdown().join();
    assertThat(scheduler.loop().isTerminated()).isTrue();
    EventLoopSchedulerTest.assertDropsTasksQuietly(scheduler);
    assertThat(a.transport.eventLoopScheduler()).isSameAs(scheduler);
  }

  /**
   * On A's loop: sends to B, then blocks the loop as a follower forcing its log would. Before the flush
   * fix the message waited for the block to end, as the flush was only queued as a later loop task.
   */
  private static void assertSentFromTheLoopArrivesWhileTheLoopIsBlocked(TestNode a, TestNode b)
      throws Exception {
    a.transport.connect(b.address()).join();
    CountDownLatch sent = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<CompletableFuture<Void>> send = new AtomicReference<>();
    a.transport.eventLoopScheduler().execute(() -> {
      send.set(a.transport.send(b.address(), data("sent from the loop")));
      sent.countDown();
      awaitQuietly(release);
    });
    try {
      assertThat(sent.await(10, TimeUnit.SECONDS)).isTrue();
      await("the message at B while A's loop is blocked").atMost(Duration.ofSeconds(5))
          .until(() -> !b.received.isEmpty());

      assertThat(release.getCount()).as("A's loop still blocked").isEqualTo(1);
      assertThat(b.take().message()).isEqualTo(data("sent from the loop"));
      // Written to the socket before send() returned, not by a flush task after the block.
      assertThat(send.get()).isCompleted();
    } finally {
      release.countDown();
    }
  }

  private static List<CompletableFuture<Void>> sendFromTheLoop(TestNode from, TestNode to, int first, int end)
      throws Exception {
    CompletableFuture<List<CompletableFuture<Void>>> sends = new CompletableFuture<>();
    from.transport.eventLoopScheduler().execute(() -> {
      List<CompletableFuture<Void>> started = new ArrayList<>();
      for (int i = first; i < end; i++) {
        started.add(from.transport.send(to.address(), data(Integer.toString(i))));
      }
      sends.complete(started);
    });
    return sends.get(10, TimeUnit.SECONDS);
  }

  private static void assertReceivedInOrder(TestNode node, int first, int end) throws InterruptedException {
    List<PeerMessage> received = new ArrayList<>();
    for (int i = first; i < end; i++) {
      received.add(node.take().message());
    }
    assertThat(received).containsExactlyElementsOf(
        IntStream.range(first, end).mapToObj(i -> (PeerMessage) data(Integer.toString(i))).toList());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static NettyTransport startTransport(InboundHandler handler) {
    NettyTransport transport = new NettyTransport(TransportConfig.builder(MemberId.random())
        .clusterName("test").bindHost("127.0.0.1").port(0).ioThreads(1).build());
    transport.start(handler).join();
    return transport;
  }
}
