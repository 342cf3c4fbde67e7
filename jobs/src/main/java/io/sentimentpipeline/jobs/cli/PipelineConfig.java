package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.alerts.AlertsConfig;
import io.sentimentpipeline.jobs.clean.CleanConfig;
import io.sentimentpipeline.jobs.config.ConfigError;
import io.sentimentpipeline.jobs.config.ConfigLoader;
import io.sentimentpipeline.jobs.config.EntityConfig;
import io.sentimentpipeline.jobs.config.SourceConfig;
import io.sentimentpipeline.jobs.config.SparkSettings;
import io.sentimentpipeline.jobs.demo.DemoSettings;
import io.sentimentpipeline.jobs.score.ScoreConfig;
import io.sentimentpipeline.jobs.serve.ServeConfig;
import io.sentimentpipeline.jobs.tokenize.TokenizeConfig;
import io.sentimentpipeline.jobs.train.TrainConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * The whole configuration: every job's own section, bound once from HOCON ({@code conf/local.conf}
 * by default) and validated eagerly, so a bad key fails before any Spark work starts. The CLI is
 * the one place that sees every job, so the composition lives here; each job takes only its part.
 */
public record PipelineConfig(
    SparkSettings spark,
    String warehouse,
    DemoSettings demo,
    List<SourceConfig> sources,
    CleanConfig clean,
    EntityConfig entities,
    TokenizeConfig tokenize,
    TrainConfig train,
    ScoreConfig score,
    AlertsConfig alerts,
    ServeConfig serve) {

  public PipelineConfig {
    sources = List.copyOf(sources);
    if (sources.stream().map(SourceConfig::name).distinct().count() != sources.size()) {
      throw new ConfigError("sources", "has two sources with the same name");
    }
  }

  /** Loads, checks and binds; throws {@link ConfigError} naming the key on any problem. */
  public static PipelineConfig load(Path confFile, List<String> overrides) {
    return ConfigBinding.bind(ConfigLoader.load(confFile, overrides));
  }
}
