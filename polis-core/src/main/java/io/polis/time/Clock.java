package io.polis.time;

/**
 * A monotonic clock. Protocol code reads time only through this interface, never from the system, so
 * that a simulation can move time itself.
 */
@FunctionalInterface
public interface Clock {

  /**
   * Returns the current time in nanoseconds from an arbitrary origin. Only differences are meaningful.
   * Never goes backwards.
   *
   * @return monotonic nanoseconds
   */
  long nanos();

  /**
   * Returns the system's monotonic clock.
   *
   * @return a clock backed by {@link System#nanoTime()}
   */
  static Clock system() {
    return System::nanoTime;
  }
}
