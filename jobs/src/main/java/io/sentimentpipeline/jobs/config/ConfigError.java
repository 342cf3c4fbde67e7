package io.sentimentpipeline.jobs.config;

/** A configuration value is missing or out of range; the message names the key and what is allowed. */
public final class ConfigError extends RuntimeException {

  public ConfigError(String key, String problem) {
    super("Configuration key '" + key + "' " + problem);
  }

  public ConfigError(String message, Throwable cause) {
    super(message, cause);
  }
}
