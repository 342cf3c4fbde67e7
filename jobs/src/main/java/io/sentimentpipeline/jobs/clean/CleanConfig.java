package io.sentimentpipeline.jobs.clean;

import io.sentimentpipeline.jobs.config.ConfigError;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.config.EntityConfig;
import io.sentimentpipeline.jobs.config.SourceConfig;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * Bounds and parsing rules of the clean stage ({@code clean.*}). Event times outside {@code
 * eventTimeMin} .. run date + {@code eventTimeMaxAhead} are implausible: such a row is quarantined
 * rather than sent on to tables and writers that cannot hold it (Delta refuses years before 1582).
 * Cleaning also needs the sources (their label mappings and charsets) and the company dictionary.
 */
public record CleanConfig(
    int minChars,
    int maxChars,
    List<String> timestampFormats,
    Set<Domain> requireTimestamp,
    LocalDate eventTimeMin,
    Duration eventTimeMaxAhead,
    List<SourceConfig> sources,
    EntityConfig entities) {

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
    if (eventTimeMin.isBefore(LocalDate.of(1900, 1, 1))) {
      throw new ConfigError("clean.event-time-min", "must be 1900-01-01 or later, got " + eventTimeMin);
    }
    if (eventTimeMaxAhead.isNegative()) {
      throw new ConfigError("clean.event-time-max-ahead", "must not be negative, got " + eventTimeMaxAhead);
    }
    timestampFormats = List.copyOf(timestampFormats);
    sources = List.copyOf(sources);
    requireTimestamp = Set.copyOf(requireTimestamp);
  }
}
