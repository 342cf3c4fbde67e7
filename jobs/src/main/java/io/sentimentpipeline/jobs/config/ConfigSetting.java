package io.sentimentpipeline.jobs.config;

/**
 * One resolved configuration value as {@code pipeline config} prints it: its key, its value in
 * HOCON ({@code ****} for a secret), and where it was set.
 */
public record ConfigSetting(String key, String value, String origin) {

  /** {@code key = value  # origin}. */
  public String line() {
    return key + " = " + value + "  # " + origin;
  }
}
