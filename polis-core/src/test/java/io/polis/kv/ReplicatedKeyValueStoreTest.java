package io.polis.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.KeyValueStore;
import io.polis.KeyValueStore.CasResult;
import io.polis.KeyValueStore.DeleteResult;
import io.polis.KeyValueStore.PutResult;
import io.polis.ReadConsistency;
import io.polis.Versioned;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.ConsensusException;
import io.polis.raft.ConsensusTimeoutException;
import io.polis.raft.NoQuorumException;
import io.polis.raft.NotLeaderException;
import io.polis.raft.ProposalRejectedException;
import io.polis.raft.RaftGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The store's API end to end over a {@link SynchronousRaftGroup}: results, reads, checks, failures. */
class ReplicatedKeyValueStoreTest {

  private final KvStateMachine sm = new KvStateMachine();
  private final SynchronousRaftGroup group = new SynchronousRaftGroup(sm);
  private final KeyValueStore store = new ReplicatedKeyValueStore(group, sm);

  @Test
  void putThenGetReturnsTheValueWithItsVersionAndIndex() {
    assertThat(store.put("k", bytes("a")).join()).isEqualTo(new PutResult(true, 1, 1));
    assertThat(store.put("k", bytes("b")).join()).isEqualTo(new PutResult(false, 2, 2));

    assertThat(store.get("k").join()).isEqualTo(new Versioned(bytes("b"), 2, 2));
  }

  @Test
  void getOfAKeyNeverWrittenIsAbsentAtVersionZero() {
    Versioned read = store.get("nothing").join();

    assertThat(read.isPresent()).isFalse();
    assertThat(read.value()).isNull();
    assertThat(read).isEqualTo(Versioned.absent(0, 0));
  }

  @Test
  void deleteSaysWhetherTheKeyExistedAndAReadThenSeesItAbsent() {
    store.put("k", bytes("a")).join();

    assertThat(store.delete("k").join()).isEqualTo(new DeleteResult(true, 2, 2));
    assertThat(store.delete("k").join()).isEqualTo(new DeleteResult(false, 2, 3));
    assertThat(store.get("k").join()).isEqualTo(Versioned.absent(2, 2));
    assertThat(new DeleteResult(true, 2, 2).previousVersion()).isEqualTo(1);
  }

  @Test
  void compareAndSetSwapsOnlyFromTheExpectedVersion() {
    store.put("k", bytes("a")).join();

    CasResult stale = store.compareAndSet("k", 7, bytes("x")).join();
    CasResult swapped = store.compareAndSet("k", 1, bytes("b")).join();

    assertThat(stale).isEqualTo(new CasResult(false, new Versioned(bytes("a"), 1, 1), 2));
    assertThat(swapped).isEqualTo(new CasResult(true, new Versioned(bytes("b"), 2, 3), 3));
    assertThat(store.get("k").join()).isEqualTo(swapped.current());
  }

  @Test
  void putIfAbsentWritesOnlyOnce() {
    assertThat(store.putIfAbsent("lock", bytes("me")).join().succeeded()).isTrue();

    CasResult second = store.putIfAbsent("lock", bytes("you")).join();

    assertThat(second.succeeded()).isFalse();
    assertThat(second.current().value()).isEqualTo(bytes("me"));
  }

  @Test
  void compareAndDeleteReleasesOnlyTheVersionItExpects() {
    long mine = store.putIfAbsent("lock", bytes("me")).join().current().version();
    store.put("lock", bytes("stolen")).join();

    assertThat(store.compareAndDelete("lock", mine).join().succeeded()).isFalse();
    CasResult released = store.compareAndDelete("lock", mine + 1).join();

    assertThat(released).isEqualTo(new CasResult(true, Versioned.absent(3, 4), 4));
  }

  @Test
  void localReadGoesThroughReadLocalAndDefaultReadThroughReadLinearizable() {
    store.put("k", bytes("a")).join();

    store.get("k").join();
    store.get("k", ReadConsistency.LINEARIZABLE).join();
    Versioned local = store.get("k", ReadConsistency.LOCAL).join();

    assertThat(local.value()).isEqualTo(bytes("a"));
    assertThat(group.linearizableReads()).isEqualTo(2);
    assertThat(group.localReads()).isEqualTo(1);
  }

  @Test
  void callerCanChangeItsArraysWithoutChangingTheStore() {
    byte[] value = bytes("a");
    store.put("k", value).join();
    value[0] = 'z';
    byte[] casValue = bytes("b");
    CompletableFuture<CasResult> cas = store.compareAndSet("k", 1, casValue);
    casValue[0] = 'z';

    byte[] read = store.get("k").join().value();
    read[0] = 'z';

    assertThat(cas.join().current().value()).isEqualTo(bytes("b"));
    assertThat(store.get("k").join().value()).isEqualTo(bytes("b"));
  }

  @Test
  void versionedComparesValueContents() {
    assertThat(new Versioned(bytes("a"), 1, 1)).isEqualTo(new Versioned(bytes("a"), 1, 1))
        .hasSameHashCodeAs(new Versioned(bytes("a"), 1, 1))
        .isNotEqualTo(new Versioned(bytes("b"), 1, 1));
  }

  @Test
  void invalidKeysAreRefusedBeforeAnythingIsProposed() {
    assertThatThrownBy(() -> store.put("", bytes("a"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must not be empty");
    assertThatThrownBy(() -> store.delete("é".repeat(513))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key is 1026 bytes in UTF-8, more than the 1024 allowed");
    assertThatThrownBy(() -> store.get("bad\uD800key")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key has an unpaired surrogate at index 3");
    assertThatThrownBy(() -> store.put(null, bytes("a"))).isInstanceOf(NullPointerException.class);

    assertThat(group.proposals()).isZero();
  }

  @Test
  void keyOfExactlyTheLimitIsAccepted() {
    String key = "\uD83D\uDD11".repeat(KeyValueStore.MAX_KEY_BYTES / 4); // 4 bytes each in UTF-8

    assertThat(store.put(key, bytes("a")).join().version()).isEqualTo(1);
    assertThat(store.get(key).join().value()).isEqualTo(bytes("a"));
  }

  @Test
  void valueOverTheLimitIsRefusedBeforeProposing() {
    KeyValueStore small = new ReplicatedKeyValueStore(group, sm, 4);

    assertThat(small.put("k", new byte[4]).join().created()).isTrue();
    assertThatThrownBy(() -> small.put("k", new byte[5])).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value is 5 bytes, more than the 4 this store accepts");
    assertThatThrownBy(() -> small.compareAndSet("k", 1, new byte[5])).isInstanceOf(IllegalArgumentException.class);
    assertThat(group.proposals()).isEqualTo(1);
  }

  @Test
  void defaultValueLimitIsOneMebibyte() {
    assertThat(store.put("k", new byte[ReplicatedKeyValueStore.DEFAULT_MAX_VALUE_BYTES]).join().created()).isTrue();
    assertThatThrownBy(() -> store.put("k", new byte[ReplicatedKeyValueStore.DEFAULT_MAX_VALUE_BYTES + 1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, Long.MIN_VALUE})
  void negativeExpectedVersionIsRefused(long expected) {
    assertThatThrownBy(() -> store.compareAndSet("k", expected, bytes("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expectedVersion must be 0 (absent) or a version of at least 1, was " + expected);
  }

  @Test
  void compareAndDeleteOfAbsentIsRefused() {
    assertThatThrownBy(() -> store.compareAndDelete("k", KeyValueStore.ABSENT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expectedVersion of a compare-and-delete must be at least 1, was 0");
  }

  @Test
  void notLeaderFailurePassesThroughWithTheLeaderItNames() {
    MemberId leader = new MemberId(new UUID(7, 7));
    Address address = new Address("10.0.0.7", 7800);
    NotLeaderException notLeader = new NotLeaderException("no leader reachable", leader, address);
    group.failWith(notLeader);

    CompletableFuture<PutResult> put = store.put("k", bytes("a"));

    assertThat(put).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .havingCause().isSameAs(notLeader);
    assertThat(notLeader.leader()).contains(leader);
    assertThat(notLeader.leaderAddress()).contains(address);
  }

  @Test
  void everyOperationPassesEachConsensusFailureThroughUnchanged() {
    for (ConsensusException failure : new ConsensusException[] {new NotLeaderException("moved", null, null),
        new NoQuorumException("alone"), new ConsensusTimeoutException("slow"),
        new ProposalRejectedException("transfer")}) {
      group.failWith(failure);
      for (CompletableFuture<?> call : new CompletableFuture<?>[] {store.get("k"),
          store.get("k", ReadConsistency.LOCAL), store.put("k", bytes("a")), store.delete("k"),
          store.compareAndSet("k", 0, bytes("a")), store.compareAndDelete("k", 1),
          store.putIfAbsent("k", bytes("a"))}) {
        assertThat(call).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
            .havingCause().isSameAs(failure);
      }
    }
    group.recover();

    assertThat(store.put("k", bytes("a")).join()).isEqualTo(new PutResult(true, 1, 1));
  }

  @Test
  void rejectionByTheStateMachineFailsTheCallWithIllegalStateException() {
    // A group whose state machine is another release's: it answers every command with a rejection.
    RaftGroup foreign = new SynchronousRaftGroup(
        (index, command) -> KvCodec.encode(new KvResult.Rejected("command format 1 is not supported")));
    KeyValueStore mismatched = new ReplicatedKeyValueStore(foreign, sm);

    assertThat(mismatched.put("k", bytes("a"))).failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class).havingCause().isInstanceOf(IllegalStateException.class)
        .withMessage("the state machine rejected Put[k, 1 bytes] at index 1: command format 1 is not supported");
  }

  @Test
  void unreadableResultFailsTheCallWithIllegalStateException() {
    RaftGroup empty = new SynchronousRaftGroup((index, command) -> new byte[0]);
    KeyValueStore mismatched = new ReplicatedKeyValueStore(empty, sm);

    assertThat(mismatched.delete("k")).failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class).havingCause().isInstanceOf(IllegalStateException.class)
        .withMessageStartingWith("cannot read the result of Delete[key=k] at index 1: result is truncated");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
