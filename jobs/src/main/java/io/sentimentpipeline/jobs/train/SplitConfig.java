package io.sentimentpipeline.jobs.train;

import io.sentimentpipeline.jobs.config.ConfigError;

import java.util.Map;
import java.util.Set;

/**
 * Shares of labelled documents held out for validation and test ({@code train.split.*}), sources
 * whose documents all go to one split ({@code train.split.sources}, e.g. {@code imdb_test = test}),
 * and how often each source's training documents are drawn ({@code train.split.sampling}, e.g.
 * {@code fiqa = 2.0, sentfin = 0.5}: a rate below 1 keeps that share, above 1 repeats documents; a
 * source not listed keeps rate 1), so one large corpus does not drown the others.
 */
public record SplitConfig(
    double validationFraction, double testFraction, long seed, Map<String, String> sources, Map<String, Double> sampling) {

  /** The largest sampling rate: more repeats of a source only overfit it. */
  public static final double MAX_SAMPLING_RATE = 20;

  public SplitConfig(double validationFraction, double testFraction, long seed) {
    this(validationFraction, testFraction, seed, Map.of(), Map.of());
  }

  public SplitConfig {
    sources = Map.copyOf(sources);
    sampling = Map.copyOf(sampling);
    sampling.forEach(
        (source, rate) -> {
          if (!(rate > 0 && rate <= MAX_SAMPLING_RATE)) {
            throw new ConfigError(
                "train.split.sampling." + source,
                "must be a rate above 0 and at most " + MAX_SAMPLING_RATE + " (1 = as is), got " + rate);
          }
        });
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
