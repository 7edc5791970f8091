package io.polis.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.management.ManagementFactory;

/**
 * Fuzz test for the state machine's input: a log entry's bytes, whatever they are, must be applied as a
 * command or answered with a rejection, never throw, and never make the decoder allocate much more than
 * the entry's own size (lengths are checked against the bytes left before any array is made).
 *
 * <p>Plain {@code ./mvnw test} runs it once per file in
 * {@code src/test/resources/io/polis/kv/KvCommandFuzzTestInputs/applyAnswersAnyBytesWithoutThrowing/};
 * {@code docs/fuzzing.md} tells how to fuzz for real.
 */
class KvCommandFuzzTest {

  /** Room for a rejection's message and the strict UTF-8 decoder; far below a length read from the input. */
  private static final long ALLOCATION_ALLOWANCE = 1024 * 1024;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @FuzzTest
  void applyAnswersAnyBytesWithoutThrowing(byte[] input) {
    KvStateMachine sm = new KvStateMachine();
    long bound = ALLOCATION_ALLOWANCE + 16L * input.length;
    long before = THREADS.getCurrentThreadAllocatedBytes();
    byte[] answer = sm.apply(1, input);
    if (THREADS.getCurrentThreadAllocatedBytes() - before > bound) {
      // A first run also pays for class loading and the fuzzer's instrumentation; only a repeat counts.
      before = THREADS.getCurrentThreadAllocatedBytes();
      new KvStateMachine().apply(1, input);
      assertThat(THREADS.getCurrentThreadAllocatedBytes() - before)
          .as("bytes allocated applying %d input bytes", input.length).isLessThanOrEqualTo(bound);
    }
    KvResult result = KvCodec.decodeResult(answer);
    if (result instanceof KvResult.Rejected rejected) {
      assertThat(rejected.reason()).isNotBlank();
      assertThat(sm.entries()).isEmpty();
    } else {
      // One encoding per command: what was applied must be exactly what the input says.
      assertThat(KvCodec.encode(KvCodec.decodeCommand(input))).isEqualTo(input);
    }
  }
}
