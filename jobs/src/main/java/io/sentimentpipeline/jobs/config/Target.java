package io.sentimentpipeline.jobs.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a model classifies: a whole {@code document}, or one {@code entity} of a document (the
 * model reads the text together with the entity, see {@code PairEncoder}). A domain has a champion
 * per target; registry rows from before targets existed are document models.
 */
public enum Target {
  DOCUMENT,
  ENTITY;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The model input kind recorded in a bundle: {@code document} or {@code text-pair}. */
  public String inputKind() {
    return this == ENTITY ? "text-pair" : "document";
  }

  public static Target parse(String value, String where) {
    return Arrays.stream(values())
        .filter(t -> t.key().equals(value))
        .findFirst()
        .orElseThrow(() -> new ConfigError(where, "must be document or entity, got '" + value + "'"));
  }
}
