package io.sentimentpipeline.jobs.config;

import com.typesafe.config.ConfigOrigin;

/** Where a configuration value was set, as a user reads it: a file and line, the embedded default, or {@code --set}. */
final class Origins {

  /** The origin description of values given with {@code --set}. */
  static final String SET = "--set";

  private Origins() {}

  static String describe(ConfigOrigin origin) {
    String line = origin.lineNumber() > 0 ? Integer.toString(origin.lineNumber()) : "?";
    if (origin.resource() != null) { // before filename: a resource read from a folder has both
      return origin.resource() + " (embedded default) line " + line;
    }
    if (origin.filename() != null) {
      return origin.filename() + ":" + line;
    }
    String description = origin.description();
    return description.startsWith(SET) ? SET : description;
  }
}
