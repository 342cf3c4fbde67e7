package io.sentimentpipeline.udfs.train;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * How data-parallel replicas agree: every {@link TrainerConfig#syncEverySteps()} optimizer steps
 * the trainer hands over its parameters, which must come back (in place) as the average over all
 * replicas. A single replica needs nothing.
 */
@FunctionalInterface
public interface ParameterSync {

  /** Replaces each array's values with the mean over replicas; called by every replica at the same step. */
  void average(List<NDArray> parameters, long step);

  static ParameterSync none() {
    return (parameters, step) -> {};
  }
}
