package io.sentimentpipeline.udfs.train;

import io.sentimentpipeline.udfs.model.Pooling;
import java.io.Serializable;

/**
 * How to fine-tune: optimisation (AdamW with linear warmup and decay, global-norm clipping,
 * gradient accumulation, optional class weights), stopping (epochs, early-stopping patience on
 * validation macro-F1, a step cap for smoke runs), the head (pooling, dropout) and, for
 * data-parallel runs, how often replicas average their parameters.
 *
 * @param maxSteps optimizer steps after which training stops; 0 = no cap
 * @param syncEverySteps optimizer steps between parameter averaging across replicas
 * @param maxNonFiniteStepsInARow optimizer steps in a row whose gradients may be NaN/Inf (each is
 *     skipped: no update) before the run fails as diverged
 */
public record TrainerConfig(
    int epochs,
    int batchSize,
    int accumulationSteps,
    float learningRate,
    float weightDecay,
    float warmupFraction,
    float maxGradNorm,
    boolean classWeights,
    int patience,
    long seed,
    long maxSteps,
    Pooling pooling,
    float dropout,
    int syncEverySteps,
    int maxNonFiniteStepsInARow)
    implements Serializable {

  /** Default of {@code train.max-nonfinite-steps-in-a-row}. */
  public static final int DEFAULT_MAX_NONFINITE_STEPS_IN_A_ROW = 5;

  /** With the default {@link #DEFAULT_MAX_NONFINITE_STEPS_IN_A_ROW}. */
  public TrainerConfig(
      int epochs, int batchSize, int accumulationSteps, float learningRate, float weightDecay,
      float warmupFraction, float maxGradNorm, boolean classWeights, int patience, long seed,
      long maxSteps, Pooling pooling, float dropout, int syncEverySteps) {
    this(epochs, batchSize, accumulationSteps, learningRate, weightDecay, warmupFraction,
        maxGradNorm, classWeights, patience, seed, maxSteps, pooling, dropout, syncEverySteps,
        DEFAULT_MAX_NONFINITE_STEPS_IN_A_ROW);
  }

  public TrainerConfig {
    require(epochs >= 1, "train.epochs must be at least 1");
    require(batchSize >= 1, "train.batch-size must be at least 1");
    require(accumulationSteps >= 1, "train.accumulation-steps must be at least 1");
    require(learningRate > 0, "train.learning-rate must be positive");
    require(weightDecay >= 0, "train.weight-decay must not be negative");
    require(warmupFraction >= 0 && warmupFraction < 1, "train.warmup-fraction must be in [0, 1)");
    require(maxGradNorm > 0, "train.max-grad-norm must be positive");
    require(patience >= 1, "train.patience must be at least 1");
    require(maxSteps >= 0, "train.max-steps must not be negative");
    require(dropout >= 0 && dropout < 1, "train.dropout must be in [0, 1)");
    require(syncEverySteps >= 1, "train.sync-every-steps must be at least 1");
    require(maxNonFiniteStepsInARow >= 1, "train.max-nonfinite-steps-in-a-row must be at least 1");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** This configuration stopping after {@code steps} optimizer steps (0 = no cap). */
  public TrainerConfig withMaxSteps(long steps) {
    return new TrainerConfig(epochs, batchSize, accumulationSteps, learningRate, weightDecay, warmupFraction, maxGradNorm,
        classWeights, patience, seed, steps, pooling, dropout, syncEverySteps, maxNonFiniteStepsInARow);
  }

  /** This configuration with peak learning rate {@code rate}. */
  public TrainerConfig withLearningRate(float rate) {
    return new TrainerConfig(epochs, batchSize, accumulationSteps, rate, weightDecay, warmupFraction, maxGradNorm,
        classWeights, patience, seed, maxSteps, pooling, dropout, syncEverySteps, maxNonFiniteStepsInARow);
  }

  /** This configuration training for {@code count} epochs. */
  public TrainerConfig withEpochs(int count) {
    return new TrainerConfig(count, batchSize, accumulationSteps, learningRate, weightDecay, warmupFraction, maxGradNorm,
        classWeights, patience, seed, maxSteps, pooling, dropout, syncEverySteps, maxNonFiniteStepsInARow);
  }
}
