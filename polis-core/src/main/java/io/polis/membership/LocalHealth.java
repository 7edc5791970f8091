package io.polis.membership;

import java.time.Duration;

/**
 * Lifeguard's local health multiplier: a score that rises when this node shows signs of being slow
 * itself (probes it sent went unanswered while relays reported the target fine, or others suspect it)
 * and falls with every probe that succeeds. Probe periods and timeouts stretch by (score + 1), so a node
 * in a GC pause or on a starved CPU accuses others less eagerly.
 */
final class LocalHealth {

  private final int max;
  private int score;

  LocalHealth(int max) {
    this.max = max;
  }

  void apply(int delta) {
    score = Math.max(0, Math.min(max, score + delta));
  }

  int score() {
    return score;
  }

  Duration scale(Duration base) {
    return base.multipliedBy(score + 1L);
  }
}
