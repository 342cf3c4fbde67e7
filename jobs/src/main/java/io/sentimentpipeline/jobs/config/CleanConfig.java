package io.sentimentpipeline.jobs.config;

import java.util.List;
import java.util.Set;

/** Bounds and parsing rules of the clean stage ({@code clean.*}). */
public record CleanConfig(
    int minChars, int maxChars, List<String> timestampFormats, Set<Domain> requireTimestamp) {

  public CleanConfig {
    if (minChars < 1) {
      throw new ConfigError("clean.min-chars", "must be at least 1, got " + minChars);
    }
    if (maxChars <= minChars) {
      throw new ConfigError(
          "clean.max-chars", "must be greater than clean.min-chars (" + minChars + "), got " + maxChars);
    }
    if (timestampFormats.isEmpty()) {
      throw new ConfigError("clean.timestamp-formats", "must list at least one pattern");
    }
    timestampFormats = List.copyOf(timestampFormats);
    requireTimestamp = Set.copyOf(requireTimestamp);
  }
}
