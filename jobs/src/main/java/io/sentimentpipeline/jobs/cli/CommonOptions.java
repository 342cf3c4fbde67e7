package io.sentimentpipeline.jobs.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command takes: which configuration, which overrides, which run date. */
public final class CommonOptions {

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description = "HOCON configuration file (default: the embedded conf/local.conf).")
  Path conf;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one configuration key, e.g. --set clean.max-chars=5000 (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--run-date",
      paramLabel = "YYYY-MM-DD",
      description = "The nightly batch this run belongs to (default: today, UTC).")
  LocalDate runDate;

  LocalDate runDate() {
    return runDate != null ? runDate : LocalDate.now(ZoneOffset.UTC);
  }
}
