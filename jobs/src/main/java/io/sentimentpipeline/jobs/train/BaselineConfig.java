package io.sentimentpipeline.jobs.train;

import io.sentimentpipeline.jobs.config.ConfigError;

/** The TF-IDF + logistic regression baseline ({@code train.baseline.*}). */
public record BaselineConfig(int numFeatures, int minDocFreq, double regParam, int maxIter) {

  public BaselineConfig {
    if (numFeatures < 1024) {
      throw new ConfigError("train.baseline.num-features", "must be at least 1024, got " + numFeatures);
    }
    if (minDocFreq < 1) {
      throw new ConfigError("train.baseline.min-doc-freq", "must be at least 1, got " + minDocFreq);
    }
    if (regParam < 0) {
      throw new ConfigError("train.baseline.reg-param", "must not be negative, got " + regParam);
    }
    if (maxIter < 1) {
      throw new ConfigError("train.baseline.max-iter", "must be at least 1, got " + maxIter);
    }
  }
}
