package io.sentimentpipeline.udfs.train;

/**
 * The learning rate of each optimizer step: linear warmup from 0 to the peak over the first
 * {@code warmupSteps} steps, then linear decay that reaches 0 just after the last step (as BERT
 * fine-tuning does). Steps are counted from 1.
 */
final class LinearWarmupSchedule {

  private final float peak;
  private final long totalSteps;
  private final long warmupSteps;

  LinearWarmupSchedule(float peak, long totalSteps, float warmupFraction) {
    if (totalSteps < 1) {
      throw new IllegalArgumentException("totalSteps must be at least 1, got " + totalSteps);
    }
    this.peak = peak;
    this.totalSteps = totalSteps;
    this.warmupSteps = (long) Math.floor(warmupFraction * totalSteps);
  }

  long totalSteps() {
    return totalSteps;
  }

  long warmupSteps() {
    return warmupSteps;
  }

  /** The rate for optimizer step {@code step} (1-based). */
  float rate(long step) {
    if (step <= warmupSteps) {
      return peak * step / warmupSteps;
    }
    long remaining = Math.max(0, totalSteps - step + 1);
    return peak * remaining / (totalSteps - warmupSteps);
  }
}
