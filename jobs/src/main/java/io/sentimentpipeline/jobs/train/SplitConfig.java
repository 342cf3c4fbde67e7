package io.sentimentpipeline.jobs.train;

import io.sentimentpipeline.jobs.config.ConfigError;

import java.util.Map;
import java.util.Set;

/**
 * Shares of labelled documents held out for validation and test ({@code train.split.*}), and
 * sources whose documents all go to one split ({@code train.split.sources}, e.g. {@code imdb_test =
 * test}).
 */
public record SplitConfig(double validationFraction, double testFraction, long seed, Map<String, String> sources) {

  public SplitConfig(double validationFraction, double testFraction, long seed) {
    this(validationFraction, testFraction, seed, Map.of());
  }

  public SplitConfig {
    sources = Map.copyOf(sources);
    sources.forEach(
        (source, split) -> {
          if (!Set.of(DataSplit.TRAIN, DataSplit.VALIDATION, DataSplit.TEST).contains(split)) {
            throw new ConfigError(
                "train.split.sources." + source, "must be train, validation or test, got '" + split + "'");
          }
        });
    if (validationFraction <= 0 || testFraction <= 0 || validationFraction + testFraction >= 0.9) {
      throw new ConfigError(
          "train.split",
          "needs validation-fraction and test-fraction above 0 and together below 0.9, got "
              + validationFraction + " and " + testFraction);
    }
  }
}
