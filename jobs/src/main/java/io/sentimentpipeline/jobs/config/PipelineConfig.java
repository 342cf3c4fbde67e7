package io.sentimentpipeline.jobs.config;

import io.sentimentpipeline.jobs.alerts.AlertsConfig;
import io.sentimentpipeline.jobs.demo.DemoSettings;
import io.sentimentpipeline.jobs.score.ScoreConfig;
import io.sentimentpipeline.jobs.serve.ServeConfig;
import io.sentimentpipeline.jobs.train.TrainConfig;
import java.util.List;

/**
 * The whole configuration, bound once from HOCON ({@code conf/local.conf} by default) and
 * validated eagerly, so a bad key fails before any Spark work starts.
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
}
