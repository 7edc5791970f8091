package io.polis.sim;

import io.polis.transport.local.LocalNetwork;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;

/**
 * One seeded simulation run: virtual time, an in-memory network with faults, and one random generator
 * from which every random choice of the run descends. The same seed replays the same run exactly.
 */
public final class Simulation {

  /** System property naming one seed to replay. */
  public static final String SEED_PROPERTY = "polis.sim.seed";
  /** System property setting the number of seeds every seeded test runs. */
  public static final String SEEDS_PROPERTY = "polis.sim.seeds";
  /** System property multiplying the number of seeds of every seeded test (e.g. 20 for a long run). */
  public static final String SCALE_PROPERTY = "polis.sim.scale";

  private final long seed;
  private final SplittableRandom random;
  private final SimulatedScheduler scheduler = new SimulatedScheduler();
  private final LocalNetwork network;

  /**
   * Creates a run.
   *
   * @param seed the seed everything random descends from
   */
  public Simulation(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.network = new LocalNetwork(scheduler, random.split());
  }

  /** @return the seed of this run */
  public long seed() {
    return seed;
  }

  /** @return the shared virtual-time scheduler and clock */
  public SimulatedScheduler scheduler() {
    return scheduler;
  }

  /** @return the in-memory network */
  public LocalNetwork network() {
    return network;
  }

  /** @return the run's generator, for the test's own random choices */
  public SplittableRandom random() {
    return random;
  }

  /** @return an independent generator, derived from the seed, for one component */
  public RandomGenerator fork() {
    return random.split();
  }

  /**
   * Returns the command that replays this run alone.
   *
   * @param testClass the simple name of the test class
   * @return a shell command
   */
  public String replayCommand(String testClass) {
    return "./mvnw -B -pl polis-core test -Dtest=" + testClass + " -D" + SEED_PROPERTY + "=" + seed;
  }

  /**
   * Returns the seeds a seeded test runs, starting at 1: the one named by {@value #SEED_PROPERTY} if set,
   * otherwise {@value #SEEDS_PROPERTY} seeds if set, otherwise {@code defaultCount} times
   * {@value #SCALE_PROPERTY} (default 1).
   *
   * @param defaultCount how many seeds CI runs
   * @return the seeds
   */
  public static LongStream seeds(int defaultCount) {
    String one = System.getProperty(SEED_PROPERTY);
    if (one != null && !one.isBlank()) {
      return LongStream.of(Long.parseLong(one.trim()));
    }
    int count = Integer.getInteger(SEEDS_PROPERTY, defaultCount * Integer.getInteger(SCALE_PROPERTY, 1));
    return LongStream.rangeClosed(1, count);
  }
}
