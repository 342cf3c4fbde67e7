package io.sentimentpipeline.udfs.train;

import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import java.io.Serializable;

/** What one epoch achieved: losses, validation scores, and speed. */
public record EpochResult(
    int epoch,
    long step,
    double trainLoss,
    double validationLoss,
    ClassificationMetrics validation,
    double samplesPerSecond,
    double seconds)
    implements Serializable {}
