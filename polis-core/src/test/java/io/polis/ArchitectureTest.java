package io.polis;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rules of polis-core that the compiler cannot check, run against main classes only.
 *
 * <p>The rules for packages that are still empty ({@code raft}, {@code membership}) allow an empty
 * match, so they hold from the first class added there.
 */
@AnalyzeClasses(packages = "io.polis", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule noJavaSerialization = noClasses()
      .should().dependOnClassesThat().areAssignableTo(ObjectInputStream.class)
      .orShould().dependOnClassesThat().areAssignableTo(ObjectOutputStream.class)
      .because("Java deserialization lets the bytes choose which classes to instantiate, so one frame from "
          + "any peer could run a gadget chain; messages travel only through the bounded codec in io.polis.wire");

  @ArchTest
  static final ArchRule coreKnowsNothingOfSpring = noClasses()
      .should().dependOnClassesThat().resideInAPackage("org.springframework..")
      .because("polis-core is plain Java; the Spring module wires and adapts it (ARCHITECTURE.md, Modules)");

  @ArchTest
  static final ArchRule protocolCoresAreDeterministic =
      deterministic("io.polis.raft..", "io.polis.membership..").allowEmptyShould(true);

  @ArchTest
  static final ArchRule nodeDependsOnNoOtherPolisPackage = dependsWithinPolisOnlyOn("io.polis.node..");

  @ArchTest
  static final ArchRule timeDependsOnNoOtherPolisPackage = dependsWithinPolisOnlyOn("io.polis.time..");

  @ArchTest
  static final ArchRule wireDependsOnlyOnNode = dependsWithinPolisOnlyOn("io.polis.wire..", "io.polis.node..");

  @ArchTest
  static final ArchRule kvBuildsOnlyOnTheApiRaftAndNode =
      dependsWithinPolisOnlyOn("io.polis.kv..", "io.polis", "io.polis.raft..", "io.polis.node..");

  @ArchTest
  static final ArchRule raftKnowsNoServiceBuiltOnIt = noClasses()
      .that().resideInAPackage("io.polis.raft..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.polis.kv..", "io.polis.registry..", "io.polis.election..", "io.polis.group..", "io.polis.messaging..")
      .allowEmptyShould(true)
      .because("services are state machines and clients of RaftGroup; consensus must not know which ones exist");

  @ArchTest
  static final ArchRule transportDoesNotReachUp = noClasses()
      .that().resideInAPackage("io.polis.transport..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.polis.membership..", "io.polis.raft..", "io.polis.registry..", "io.polis.group..",
          "io.polis.election..", "io.polis.kv..", "io.polis.messaging..")
      .because("the transport carries bytes for every protocol and must not know any of them");

  @Test
  void noJavaSerializationRuleCatchesAClassThatUsesObjectOutputStream() {
    JavaClasses fixture = new ClassFileImporter().importClasses(JavaSerializingFixture.class);

    EvaluationResult result = noJavaSerialization.evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(line -> assertThat(line).contains(JavaSerializingFixture.class.getName(), "ObjectOutputStream"));
  }

  @Test
  void rulesSeeMainClassesAndNoTestClasses() {
    // Without this, a wrong package or import option would leave every rule above checking nothing.
    JavaClasses imported = new ClassFileImporter()
        .withImportOption(new ImportOption.DoNotIncludeTests())
        .importPackages("io.polis");

    assertThat(imported.contain("io.polis.wire.MessageCodec")).isTrue();
    assertThat(imported.contain(JavaSerializingFixture.class)).isFalse();
    assertThat(imported.stream().map(JavaClass::getName)).noneMatch(n -> n.endsWith("Test"));
  }

  @Test
  void determinismRuleCatchesClocksThreadsAndNetty() {
    // The real rule matches no class yet, so show here that each of its clauses can fail.
    JavaClasses fixture = new ClassFileImporter().importClasses(NondeterministicFixture.class);

    EvaluationResult result = deterministic("io.polis..").evaluate(fixture);

    assertThat(String.join("\n", result.getFailureReport().getDetails())).contains(
        "java.lang.System.currentTimeMillis()",
        "java.lang.System.nanoTime()",
        "java.time.Instant.now()",
        "java.lang.Thread",
        "java.util.concurrent.Executors.newSingleThreadExecutor()",
        "io.netty.buffer.Unpooled");
  }

  private static ArchRule deterministic(String... packages) {
    return noClasses()
        .that().resideInAnyPackage(packages)
        .should().dependOnClassesThat().resideInAPackage("io.netty..")
        .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
        .orShould().dependOnClassesThat().belongToAnyOf(Executors.class)
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethodWhere(target(owner(assignableTo(Instant.class))).and(target(name("now"))))
        .because("the consensus and membership cores take time only from tick() or Clock and talk to peers "
            + "only through their outputs, so the simulator can replay every run (ARCHITECTURE.md, Principle 1)");
  }

  /**
   * Fails if a class in {@code layer} depends on an io.polis class outside the layer and {@code lower}.
   *
   * @param layer the package pattern the rule applies to
   * @param lower package patterns of io.polis the layer may use besides itself
   */
  private static ArchRule dependsWithinPolisOnlyOn(String layer, String... lower) {
    String[] allowed = Stream.concat(Stream.of(layer), Arrays.stream(lower)).toArray(String[]::new);
    return noClasses()
        .that().resideInAPackage(layer)
        .should().dependOnClassesThat(resideInAPackage("io.polis..").and(not(resideInAnyPackage(allowed))))
        .because("packages depend downwards only (ARCHITECTURE.md, Packages inside polis-core)");
  }

  /** Test-only class that breaks every clause of the determinism rule; it is never run. */
  static final class NondeterministicFixture {

    long wallClock() {
      return System.currentTimeMillis();
    }

    long monotonic() {
      return System.nanoTime();
    }

    Instant now() {
      return Instant.now();
    }

    Thread thread() {
      return new Thread(() -> { });
    }

    Object pool() {
      return Executors.newSingleThreadExecutor();
    }

    Object buffer() {
      return Unpooled.buffer();
    }
  }

  /** Test-only class that breaks the serialization rule, to prove the rule can fail. */
  static final class JavaSerializingFixture {

    byte[] serialize(Object value) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(value);
      }
      return bytes.toByteArray();
    }
  }
}
