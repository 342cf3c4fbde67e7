package io.sentimentpipeline.jobs.config;

import java.util.Locale;

/** What kind of text a source holds; decides entity extraction and which model scores it. */
public enum Domain {
  REVIEW,
  NEWS;

  /** The lower-case name used in config and in the tables. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Domain parse(String value, String configKey) {
    for (Domain domain : values()) {
      if (domain.key().equals(value)) {
        return domain;
      }
    }
    throw new ConfigError(configKey, "must be 'review' or 'news', got '" + value + "'");
  }
}
