package io.polis.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Thesis §3.10, §4, §6.4 together: seeded faulty runs with reads, transfers and membership changes. */
class ExtensionsFaultyRunTest {

  // ------------------------------------------------------------------ everything at once

  // Thesis §3.10, §4, §6.4: through seeded runs of crashes, partitions and message loss (and, in the
  // chaotic runs, reordering, duplication and delay), with reads, leadership transfers and membership
  // changes thrown in, Raft's safety properties hold, and every read index covers all that was committed
  // anywhere before the read was asked.
  @ParameterizedTest
  @CsvSource({"false,false", "false,true", "true,false", "true,true"})
  void seededFaultyRunsWithReadsTransfersAndMembershipChangesStaySafe(boolean chaotic, boolean leaseReads) {
    RaftConfig config = leaseReads ? RaftNet.scriptedBuilder().leaseReads(5).maxInflightMessages(4).build()
        : RaftNet.SCRIPTED;
    int answered = 0;
    for (int seed = 1; seed <= 10; seed++) {
      RaftFaultyRun run = new RaftFaultyRun(new RaftNet(5, config, seed), seed).withReads().withTransfers()
          .withMembershipChanges();
      answered += (chaotic ? run.chaoticNetwork() : run).run().readsAnswered;
    }
    assertThat(answered).as("reads answered").isGreaterThan(50);
  }
}
