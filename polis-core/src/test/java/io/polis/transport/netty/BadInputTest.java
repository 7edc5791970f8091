package io.polis.transport.netty;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.polis.node.MemberId;
import io.polis.testing.LogCapture;
import io.polis.transport.TransportConfig;
import io.polis.wire.DataMessage;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a node does with input that is not the Polis protocol. For every kind of bad input the node must
 * (1) close that connection within a bound, never leaving the sender hanging; (2) log why at WARN, once,
 * in a line that starts with its member id and names the connection and what was wrong; (3) keep serving
 * its other peers: one that connected before the bad client and one that connects after.
 *
 * <p>Real TCP on 127.0.0.1. The bad client is a {@link RawClient} writing bytes by hand; the good peers
 * are {@link TestNode}s.
 */
class BadInputTest {

  private static final int MAX_FRAME_BYTES = 64 * 1024;
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);
  /** Far above every deadline involved, so only a server that does not close fails the wait. */
  private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);
  /** A deadline does not fire early; the slack covers the server arming it just before the client's clock starts. */
  private static final Duration DEADLINE_LOWER_BOUND = HANDSHAKE_TIMEOUT.minusMillis(100);

  private static final Consumer<TransportConfig.Builder> SERVER = b -> b
      .maxFrameBytes(MAX_FRAME_BYTES)
      .handshakeTimeout(HANDSHAKE_TIMEOUT)
      .shutdownTimeout(Duration.ofSeconds(1));

  private LogCapture logs;
  private TestNode server;
  private TestNode before;
  private @Nullable TestNode after;

  @BeforeEach
  void startServerAndAPeerThatConnectsBeforeTheBadClient() throws Exception {
    // Netty too: an exception no handler took care of is logged by Netty, and counts as a storm.
    logs = new LogCapture("io.polis", "io.netty");
    server = TestNode.start(SERVER);
    before = TestNode.start();
    assertExchangesMessagesWith(before);
  }

  @AfterEach
  void stopEverything() {
    if (after != null) {
      after.close();
    }
    before.close();
    server.close();
    logs.close();
  }

  // --- Before the handshake: bytes that are not a Polis frame -------------------------------------------

  @Test
  void anHttpRequestIsRefusedOnItsLengthPrefix() throws Exception {
    RawClient bad = badClient();
    bad.send("GET / HTTP/1.1\r\nHost: polis\r\n\r\n".getBytes(US_ASCII));
    // "GET " read as a length is 1,195,725,856: far over the maximum.
    assertRefusedAndStillServing(bad, "malformed frame before the handshake completed", "frame too long",
        "1195725856");
  }

  @Test
  void aFrameWithTheWrongMagicIsRefused() throws Exception {
    byte[] body = BadBytes.validHelloBody();
    body[0] = 0x12;
    body[1] = 0x34;
    RawClient bad = badClient();
    bad.send(RawClient.frame(body));
    assertRefusedAndStillServing(bad, "bad magic 0x1234 (expected 0x504C)");
  }

  @Test
  void aFrameOfAnUnknownMessageTypeIsRefused() throws Exception {
    byte[] body = BadBytes.validHelloBody();
    body[3] = 0x7F; // envelope: magic (2), version (1), type (1), flags (1)
    RawClient bad = badClient();
    bad.send(RawClient.frame(body));
    assertRefusedAndStillServing(bad, "unknown message type 0x7F");
  }

  @Test
  void aWellFormedFrameWithAReservedFlagSetIsRefused() throws Exception {
    byte[] body = BadBytes.validHelloBody();
    body[4] = 0x01;
    RawClient bad = badClient();
    bad.send(RawClient.frame(body));
    assertRefusedAndStillServing(bad, "reserved flags 0x01 set on a HELLO frame");
  }

  @Test
  void aZeroLengthFrameIsRefused() throws Exception {
    RawClient bad = badClient();
    bad.send(RawClient.lengthPrefix(0));
    assertRefusedAndStillServing(bad, "frame of 0 bytes is shorter than the 5-byte envelope");
  }

  @Test
  void aFrameOneByteOverTheMaximumIsRefusedBeforeItsBodyArrives() throws Exception {
    RawClient bad = badClient();
    bad.send(RawClient.lengthPrefix(MAX_FRAME_BYTES + 1)); // and no body: the refusal must not wait for it
    // Both numbers in the units the operator configured: the frame without its prefix.
    assertRefusedAndStillServing(bad, "frame too long", "65537", "maximum of 65536");
  }

  @Test
  void aLengthOfTwoGibibytesIsRefusedOnItsFourBytesWithoutAllocatingIt() throws Exception {
    long usedBefore = allocatorBytesInUse();
    RawClient bad = badClient();
    bad.send(RawClient.lengthPrefix(Integer.MAX_VALUE)); // and nothing more
    assertRefusedAndStillServing(bad, "frame too long", "2147483647");
    // Whatever the peers' traffic took, it is nowhere near the 2 GiB the length asked for.
    assertThat(allocatorBytesInUse() - usedBefore).isLessThan(64L * 1024 * 1024);
  }

  @Test
  void aNegativeLengthIsRefused() throws Exception {
    RawClient bad = badClient();
    // More garbage follows, as it would from a confused sender; it must not be decoded as further frames.
    bad.sendTogether(RawClient.lengthPrefix(Integer.MIN_VALUE), new byte[8]);
    assertRefusedAndStillServing(bad, "negative frame length -2147483648");
  }

  @Test
  void aJavaSerializationStreamIsRecognisedFromItsFirstBytes() throws Exception {
    RawClient bad = badClient();
    bad.send(BadBytes.javaSerializationStream()); // AC ED 00 05 where a length prefix should be
    assertRefusedAndStillServing(bad, "Java-serialization magic 0xACED");
  }

  @Test
  void aFrameWhoseBodyIsAJavaSerializationStreamIsRefused() throws Exception {
    RawClient bad = badClient();
    bad.send(RawClient.frame(BadBytes.javaSerializationStream()));
    assertRefusedAndStillServing(bad, "Java-serialization magic 0xACED");
  }

  // --- Before the handshake: frames whose fields lie about their sizes or content -----------------------

  @Test
  void aStringLengthOverItsCapIsRefusedWithoutReadingFurther() throws Exception {
    RawClient bad = badClient();
    bad.send(RawClient.frame(BadBytes.helloClaimingAClusterNameOf(10_000, 60))); // 10,000 claimed in 60
    assertRefusedAndStillServing(bad, "cluster name length 10000 is outside 0..255");
  }

  @Test
  void aStringLengthLongerThanTheBytesLeftInTheFrameIsRefused() throws Exception {
    RawClient bad = badClient();
    // Under the cap, but over what is left of the frame.
    bad.send(RawClient.frame(BadBytes.helloClaimingAClusterNameOf(200, 60)));
    assertRefusedAndStillServing(bad, "truncated cluster name: needs 200 bytes, 51 remain");
  }

  @Test
  void aByteArrayLengthLongerThanTheBytesLeftInTheFrameIsRefused() throws Exception {
    RawClient bad = badClient();
    bad.send(RawClient.frame(BadBytes.dataClaimingAPayloadOf(1_000_000, 10))); // a million claimed, ten sent
    assertRefusedAndStillServing(bad, "truncated payload: needs 1000000 bytes, 10 remain");
  }

  @Test
  void aListCountLargerThanTheBytesLeftCouldHoldIsRefusedBeforeAllocating() throws Exception {
    RawClient bad = badClient();
    bad.send(RawClient.frame(BadBytes.pingClaimingUpdatesOf(200))); // 200 updates claimed, 20 bytes sent
    assertRefusedAndStillServing(bad, "updates count 200 needs at least", "bytes but only 20 remain");
  }

  @Test
  void aClusterNameThatIsNotValidUtf8IsRefused() throws Exception {
    RawClient bad = badClient();
    bad.send(RawClient.frame(BadBytes.helloWithClusterNameBytes(new byte[] {'t', (byte) 0xC3, '(', 't'})));
    assertRefusedAndStillServing(bad, "cluster name is not valid UTF-8");
  }

  // --- Before the handshake: frames that are well formed but out of place -------------------------------

  @Test
  void aDataMessageBeforeTheHandshakeIsRefusedAndNeverDelivered() throws Exception {
    RawClient bad = badClient();
    bad.sendFrame(new DataMessage("test", "let me in".getBytes(UTF_8)));
    // The helper also checks that the server's inbound handler received nothing.
    assertRefusedAndStillServing(bad, "sent a DATA frame before Hello");
  }

  // --- Before the handshake: streams that stop, stall or crawl ------------------------------------------

  @Test
  void aFrameCutShortByTheEndOfTheStreamIsReportedOnce() throws Exception {
    RawClient bad = badClient();
    bad.sendTogether(RawClient.lengthPrefix(100), Arrays.copyOf(BadBytes.validHelloBody(), 10));
    bad.shutdownOutput(); // FIN: the other 90 bytes will never come
    assertRefusedAndStillServing(bad, "closed by the peer in the middle of a frame", "10 of its 100 bytes arrived");
  }

  @Test
  void aFrameCutShortThatThenStallsIsClosedAtTheHandshakeDeadline() throws Exception {
    RawClient bad = badClient();
    bad.sendTogether(RawClient.lengthPrefix(100), Arrays.copyOf(BadBytes.validHelloBody(), 10));
    // ...and then silence.
    RawClient.Closed closed = assertRefusedAndStillServing(bad,
        "handshake not completed within " + HANDSHAKE_TIMEOUT + " (stage AWAIT_HELLO)");
    assertThat(closed.after()).isGreaterThanOrEqualTo(DEADLINE_LOWER_BOUND);
  }

  @Test
  void aPeerThatNeverSpeaksIsClosedAtTheHandshakeDeadline() throws Exception {
    RawClient bad = badClient();
    RawClient.Closed closed = assertRefusedAndStillServing(bad,
        "handshake not completed within " + HANDSHAKE_TIMEOUT + " (stage AWAIT_HELLO)");
    assertThat(closed.after()).isGreaterThanOrEqualTo(DEADLINE_LOWER_BOUND);
  }

  @Test
  void aPeerTricklingItsHelloIsCutOffByTheHandshakeDeadlineNotKeptAliveByItsBytes() throws Exception {
    byte[] hello = RawClient.frame(BadBytes.validHelloBody());
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    try {
      RawClient bad = badClient();
      // A byte every 100 ms: far more often than the 1 s deadline, so any timer that restarted on each
      // byte would never fire; the whole Hello would take 8 s.
      AtomicInteger written = bad.trickle(hello, Duration.ofMillis(100), pacer);
      RawClient.Closed closed = assertRefusedAndStillServing(bad,
          "handshake not completed within " + HANDSHAKE_TIMEOUT + " (stage AWAIT_HELLO)");
      assertThat(closed.after()).isGreaterThanOrEqualTo(DEADLINE_LOWER_BOUND);
      assertThat(written.get()).as("bytes trickled before the cut").isBetween(5, hello.length - 1);
    } finally {
      pacer.shutdownNow();
    }
  }

  // --- Many connections that say nothing ----------------------------------------------------------------

  @Test
  void aThousandConnectionsOpenedAndDroppedLeaveNothingBehindAndLogNoWarnings() throws Exception {
    int baseline = server.transport.inboundConnectionCount();
    assertThat(baseline).as("inbound connections: just the peer connected before").isEqualTo(1);
    long descriptorsBefore = openFileDescriptors();
    for (int batch = 0; batch < 10; batch++) {
      List<RawClient> clients = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        clients.add(RawClient.connect(server.address()));
      }
      await().atMost(CLOSE_BOUND).until(() -> server.transport.inboundConnectionCount() == baseline + 100);
      for (int i = 0; i < clients.size(); i++) {
        if (i % 2 == 0) {
          clients.get(i).close(); // FIN
        } else {
          clients.get(i).abort(); // RST
        }
      }
    }
    await().atMost(CLOSE_BOUND).until(() -> server.transport.inboundConnectionCount() == baseline);
    if (descriptorsBefore >= 0) {
      // Every accepted socket was closed: the count comes back to where it was, give or take a few
      // descriptors the JVM opens on its own (class files, logs).
      await().atMost(CLOSE_BOUND).until(() -> openFileDescriptors() <= descriptorsBefore + 20);
    }
    assertStillServing();
    // A connection dropped before a word is ordinary (port probes, health checks): DEBUG at most.
    assertThat(logs.warnings()).as("warnings after 1,000 silent connections").isEmpty();
  }

  // --- After the handshake ------------------------------------------------------------------------------

  @Test
  void aMalformedFrameAfterTheHandshakeClosesTheConnectionAndWhatFollowsItIsNotDelivered() throws Exception {
    MemberId id = MemberId.random();
    RawClient bad = badClient();
    bad.completeHandshake("test", id);
    byte[] badMagic = BadBytes.validHelloBody();
    badMagic[0] = 0x12;
    badMagic[1] = 0x34;
    // One write: the data frame sits in the same read as the bad one, so the server has it in hand.
    bad.sendTogether(RawClient.frame(badMagic), RawClient.frame(new DataMessage("test", new byte[] {1})));
    assertClosedAndStillServing(bad, id, "malformed frame: bad magic 0x1234");
  }

  @Test
  void aHandshakeMessageAfterTheHandshakeClosesTheConnectionAndWhatFollowsItIsNotDelivered() throws Exception {
    MemberId id = MemberId.random();
    RawClient bad = badClient();
    bad.completeHandshake("test", id);
    bad.sendTogether(RawClient.frame(BadBytes.validHelloBody()),
        RawClient.frame(new DataMessage("test", new byte[] {1})));
    assertClosedAndStillServing(bad, id, "peer sent a HELLO frame after the handshake");
  }

  // --- The three assertions -----------------------------------------------------------------------------

  /** The three-part {@link #check} for a connection the server names by its remote address. */
  private RawClient.Closed assertRefusedAndStillServing(RawClient bad, String... reason) throws Exception {
    return check(bad, bad.remoteName(), reason);
  }

  /** The three-part {@link #check} for a connection the server names by the member id it claimed. */
  private RawClient.Closed assertClosedAndStillServing(RawClient bad, MemberId claimed, String... reason)
      throws Exception {
    return check(bad, claimed.shortForm() + "@", reason);
  }

  /**
   * (1) the server closed the bad connection within {@link #CLOSE_BOUND}; (2) it logged why at WARN, in
   * a line starting with its member id, naming the connection ({@code who}) and holding every fragment of
   * the reason, and logged nothing else at WARN; (3) nothing the bad client sent reached the inbound
   * handler, and the peer connected before and a peer connecting now both exchange messages with it.
   */
  private RawClient.Closed check(RawClient bad, String who, String... reason) throws Exception {
    RawClient.Closed closed;
    try (bad) {
      closed = bad.awaitClosed(CLOSE_BOUND);
    }
    String line = logs.awaitWarning(Stream.concat(Stream.of(server.id().shortForm(), who), Arrays.stream(reason))
        .toArray(String[]::new));
    assertThat(line).startsWith(server.id().shortForm());
    assertThat(server.received).as("messages the bad client got through to the inbound handler").isEmpty();
    assertStillServing();
    assertThat(logs.warnings()).as("warnings, which should be just the one reason").containsExactly(line);
    return closed;
  }

  private void assertStillServing() throws Exception {
    assertExchangesMessagesWith(before);
    after = TestNode.start();
    assertExchangesMessagesWith(after);
  }

  private void assertExchangesMessagesWith(TestNode peer) throws Exception {
    DataMessage ping = new DataMessage("test", ("ping from " + peer.id().shortForm()).getBytes(UTF_8));
    peer.transport.send(server.address(), ping).get(5, TimeUnit.SECONDS);
    TestNode.Received atServer = server.take();
    assertThat(atServer.from().memberId()).isEqualTo(peer.id());
    assertThat(atServer.message()).isEqualTo(ping);

    DataMessage pong = new DataMessage("test", ("pong to " + peer.id().shortForm()).getBytes(UTF_8));
    server.transport.send(peer.address(), pong).get(5, TimeUnit.SECONDS);
    assertThat(peer.take().message()).isEqualTo(pong);
  }

  // --- Bytes ---------------------------------------------------------------------------------------------

  private RawClient badClient() throws Exception {
    return RawClient.connect(server.address());
  }

  // --- Resources -----------------------------------------------------------------------------------------

  private static long allocatorBytesInUse() {
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
      ByteBufAllocatorMetric metric = provider.metric();
      return metric.usedHeapMemory() + metric.usedDirectMemory();
    }
    return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
  }

  /** @return the JVM's open file descriptors, or -1 where the platform does not say */
  private static long openFileDescriptors() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getOpenFileDescriptorCount() : -1;
  }
}
