package io.sentimentpipeline.jobs.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How to build the Spark session ({@code spark.*}). The master is optional: under spark-submit
 * the cluster's master wins. {@code progressInterval} is how often a running stage prints its
 * progress (zero: never).
 */
public record SparkSettings(Optional<String> master, String appName, Map<String, String> conf, Duration progressInterval) {

  public SparkSettings {
    conf = Map.copyOf(conf);
    if (progressInterval.isNegative()) {
      throw new ConfigError("spark.progress-interval", "must not be negative, got " + progressInterval);
    }
  }
}
