package io.polis.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.KeyValueStore;
import io.polis.ReadConsistency;
import io.polis.Versioned;
import io.polis.sim.linearizability.CheckResult;
import io.polis.sim.linearizability.HistoryRecorder;
import io.polis.sim.linearizability.Input;
import io.polis.sim.linearizability.LinearizabilityChecker;
import io.polis.sim.linearizability.OperationKind;
import io.polis.sim.linearizability.Output;
import io.polis.sim.linearizability.RegisterModel;
import io.polis.sim.linearizability.RegisterState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;

/**
 * The store, run one operation at a time, answers exactly what the linearizability checker's
 * {@link RegisterModel} answers, versions included, so the simulator can check real histories of it with
 * {@link CheckerOutputs} and no translation of versions. Each workload is also recorded and handed to the
 * checker, which must find it linearizable.
 */
class KvStoreMatchesRegisterModelTest {

  /** One client step: what to do, to which key, and (for CAS) which known value to expect. */
  record Step(OperationKind kind, String key, int expectedPick) {}

  @Property(tries = 300)
  void storeAnswersWhatTheModelAnswers(@ForAll("workloads") List<Step> steps) {
    KvStateMachine sm = new KvStateMachine();
    KeyValueStore store = new ReplicatedKeyValueStore(new SynchronousRaftGroup(sm), sm);
    RegisterModel model = new RegisterModel();
    Map<String, RegisterState> states = new HashMap<>();
    // Per key, each value written with the version it was written at: what a client knows to expect.
    Map<String, Map<String, Long>> written = new HashMap<>();
    AtomicLong clock = new AtomicLong();
    HistoryRecorder recorder = new HistoryRecorder(clock::incrementAndGet);
    int sequence = 0;

    for (Step step : steps) {
      String key = step.key();
      Map<String, Long> known = written.computeIfAbsent(key, k -> new LinkedHashMap<>());
      String next = "v" + sequence++;
      Input input;
      Output output;
      switch (step.kind()) {
        case GET -> {
          input = Input.get();
          output = CheckerOutputs.read(store.get(key).join());
        }
        case PUT -> {
          input = Input.put(next);
          KeyValueStore.PutResult put = store.put(key, utf8(next)).join();
          known.put(next, put.version());
          output = CheckerOutputs.put(put);
        }
        case DELETE -> {
          input = Input.delete();
          output = CheckerOutputs.delete(store.delete(key).join());
        }
        case CAS -> {
          List<@Nullable String> choices = new ArrayList<>();
          choices.add(null);
          choices.addAll(known.keySet());
          String expected = choices.get(step.expectedPick() % choices.size());
          input = Input.cas(expected, next);
          long expectedVersion = expected == null ? KeyValueStore.ABSENT : known.get(expected);
          KeyValueStore.CasResult cas = store.compareAndSet(key, expectedVersion, utf8(next)).join();
          if (cas.succeeded()) {
            known.put(next, cas.current().version());
          }
          Statistics.label("cas").collect(cas.succeeded() ? "swapped" : "not swapped");
          output = CheckerOutputs.cas(cas);
        }
        default -> throw new AssertionError(step.kind());
      }
      recorder.invoke("c1", key, input).ok(output);

      RegisterModel.Transition expected = model.apply(states.getOrDefault(key, model.initial()), input);
      assertThat(output).as("%s on %s", input, key).isEqualTo(expected.output());
      states.put(key, expected.after());
    }

    for (Map.Entry<String, RegisterState> state : states.entrySet()) {
      Versioned local = store.get(state.getKey(), ReadConsistency.LOCAL).join();
      assertThat(new RegisterState(CheckerOutputs.text(local.value()), local.version())).isEqualTo(state.getValue());
    }
    CheckResult verdict = new LinearizabilityChecker().check(recorder.history());
    assertThat(verdict.isLinearizable()).as("%s", verdict).isTrue();
    Statistics.label("cas").coverage(coverage -> {
      coverage.check("swapped").count(c -> c > 0);
      coverage.check("not swapped").count(c -> c > 0);
    });
  }

  @Provide
  Arbitrary<List<Step>> workloads() {
    return Combinators.combine(Arbitraries.of(OperationKind.class), Arbitraries.of("a", "b", "c"),
        Arbitraries.integers().between(0, 1000)).as(Step::new).list().ofMaxSize(40);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
