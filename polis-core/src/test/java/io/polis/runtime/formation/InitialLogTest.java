package io.polis.runtime.formation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.Configuration;
import io.polis.raft.HardState;
import io.polis.raft.InMemoryRaftStorage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InitialLogTest {

  private final Configuration voters = new Configuration(Map.of(MemberId.random(), new Address("a", 1)), Map.of());

  @Test
  void bootstrapWritesTheVotersAsTheFirstEntryAtTermOne() {
    InMemoryRaftStorage storage = new InMemoryRaftStorage();
    assertThat(InitialLog.hasState(storage)).isFalse();
    InitialLog.bootstrap(storage, voters);
    assertThat(InitialLog.hasState(storage)).isTrue();
    assertThat(storage.lastIndex()).isEqualTo(1);
    assertThat(storage.term(1)).isEqualTo(InitialLog.BOOTSTRAP_TERM);
    assertThat(InitialLog.latestConfiguration(storage)).isEqualTo(voters);
  }

  @Test
  void aMemberWithRaftStateIsNeverBootstrappedAgain() {
    InMemoryRaftStorage bootstrapped = new InMemoryRaftStorage();
    InitialLog.bootstrap(bootstrapped, voters);
    assertThatThrownBy(() -> InitialLog.bootstrap(bootstrapped, voters)).isInstanceOf(IllegalStateException.class);

    // A member that only voted (a term, no entry yet) was contacted by a formed group: no bootstrap either.
    InMemoryRaftStorage voted = new InMemoryRaftStorage();
    voted.save(new HardState(3, null, 0), List.of());
    assertThat(InitialLog.hasState(voted)).isTrue();
    assertThatThrownBy(() -> InitialLog.bootstrap(voted, voters)).isInstanceOf(IllegalStateException.class);
  }
}
