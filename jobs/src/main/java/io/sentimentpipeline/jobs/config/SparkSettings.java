package io.sentimentpipeline.jobs.config;

import java.util.Map;
import java.util.Optional;

/**
 * How to build the Spark session ({@code spark.*}). The master is optional: under spark-submit
 * the cluster's master wins.
 */
public record SparkSettings(Optional<String> master, String appName, Map<String, String> conf) {

  public SparkSettings {
    conf = Map.copyOf(conf);
  }
}
