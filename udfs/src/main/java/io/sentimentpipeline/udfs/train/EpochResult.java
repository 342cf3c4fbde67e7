package io.sentimentpipeline.udfs.train;

import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import java.io.Serializable;

/**
 * What one epoch achieved: losses, validation scores, and speed.
 *
 * @param skippedSteps optimizer steps of this epoch skipped because their gradients were not finite
 */
public record EpochResult(
    int epoch,
    long step,
    double trainLoss,
    double validationLoss,
    ClassificationMetrics validation,
    double samplesPerSecond,
    double seconds,
    long skippedSteps)
    implements Serializable {

  /** An epoch with no skipped step. */
  public EpochResult(
      int epoch, long step, double trainLoss, double validationLoss, ClassificationMetrics validation,
      double samplesPerSecond, double seconds) {
    this(epoch, step, trainLoss, validationLoss, validation, samplesPerSecond, seconds, 0);
  }
}
