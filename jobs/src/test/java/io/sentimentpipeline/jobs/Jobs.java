package io.sentimentpipeline.jobs;

import io.sentimentpipeline.jobs.alerts.AlertsJob;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.clean.CleanJob;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.eval.AlertBacktest;
import io.sentimentpipeline.jobs.ingest.IngestJob;
import io.sentimentpipeline.jobs.score.ScoreJob;
import io.sentimentpipeline.jobs.tokenize.TokenizeJob;
import io.sentimentpipeline.jobs.train.TrainJob;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/**
 * Runs each job with its part of a whole test configuration, as the CLI hands it over: tests build
 * one {@link PipelineConfig} from overrides and run any stage on it.
 */
public final class Jobs {

  private Jobs() {}

  private static Warehouse warehouse(PipelineConfig config) {
    return new Warehouse(config.warehouse());
  }

  public static IngestJob.Result ingest(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    return IngestJob.run(spark, warehouse(config), config.sources(), runDate);
  }

  public static CleanJob.Result clean(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    return CleanJob.run(spark, warehouse(config), config.clean(), runDate);
  }

  public static TokenizeJob.Result tokenize(SparkSession spark, PipelineConfig config) {
    return TokenizeJob.run(spark, warehouse(config), config.tokenize());
  }

  public static TrainJob.Result train(SparkSession spark, PipelineConfig config, Domain domain, long limit) {
    return TrainJob.run(spark, warehouse(config), config.train().withDomain(domain), limit);
  }

  public static ScoreJob.Result score(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    return ScoreJob.run(spark, warehouse(config), config.score(), runDate);
  }

  public static AlertsJob.Result alerts(SparkSession spark, PipelineConfig config, LocalDate from, LocalDate to, String runId) {
    return AlertsJob.run(spark, warehouse(config), config.alerts(), from, to, runId);
  }

  public static AlertBacktest.Result backtest(SparkSession spark, PipelineConfig config, AlertBacktest.Options options) {
    return AlertBacktest.run(spark, warehouse(config), config.alerts(), options);
  }
}
