package io.sentimentpipeline.jobs.train;

import io.sentimentpipeline.jobs.config.ConfigError;

/** Shares of labelled documents held out for validation and test ({@code train.split.*}). */
public record SplitConfig(double validationFraction, double testFraction, long seed) {

  public SplitConfig {
    if (validationFraction <= 0 || testFraction <= 0 || validationFraction + testFraction >= 0.9) {
      throw new ConfigError(
          "train.split",
          "needs validation-fraction and test-fraction above 0 and together below 0.9, got "
              + validationFraction + " and " + testFraction);
    }
  }
}
