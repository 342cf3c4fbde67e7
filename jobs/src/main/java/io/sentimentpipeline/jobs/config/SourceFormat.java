package io.sentimentpipeline.jobs.config;

/** File formats a source can be read from, with the Spark data source that reads each. */
public enum SourceFormat {
  CSV("csv"),
  JSONL("json"),
  PARQUET("parquet");

  private final String sparkFormat;

  SourceFormat(String sparkFormat) {
    this.sparkFormat = sparkFormat;
  }

  public String sparkFormat() {
    return sparkFormat;
  }

  /** Whether Spark can keep unparseable lines of this format in a corrupt-record column. */
  public boolean isTextBased() {
    return this != PARQUET;
  }

  public static SourceFormat parse(String value, String configKey) {
    for (SourceFormat format : values()) {
      if (format.name().equalsIgnoreCase(value)) {
        return format;
      }
    }
    throw new ConfigError(configKey, "must be one of csv, jsonl, parquet; got '" + value + "'");
  }
}
