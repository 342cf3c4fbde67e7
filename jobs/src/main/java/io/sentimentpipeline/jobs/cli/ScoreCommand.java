package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.score.ScoreConfig;
import io.sentimentpipeline.jobs.score.ScoreJob;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "score",
    header = "Score new documents with each domain's champion into gold.sentiment_scores.",
    footerHeading = "%nExample:%n",
    footer = {"  ./pipeline score --conf nightly.conf --domain news --run-date 2026-11-27"},
    description = {
      "Score documents with each domain's champion model into gold.sentiment_scores.",
      "Only documents without a score from the champion's version are scored (a MERGE on doc_id and",
      "model_version), so reruns change nothing and a new champion backfills while older versions'",
      "scores stay queryable (score.backfill=false: only documents of --run-date).",
      "Long documents are scored in overlapping chunks (score.chunk-*). Fails with exit 65 when a",
      "domain in score.domains has no champion: train one first with `pipeline train --domain D`."
    })
final class ScoreCommand extends SparkCommand {

  @Option(names = "--domain", description = "review or news (default: every domain in score.domains, {{score.domains}}).")
  String domain;

  @Override
  PipelineConfig config() {
    return super.config();
  }

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    out().println("score " + ScoreJob.run(spark, new Warehouse(config.warehouse()), score(config), runDate));
  }

  private ScoreConfig score(PipelineConfig config) {
    return domain == null ? config.score() : config.score().withDomains(List.of(Domain.parse(domain, "--domain")));
  }
}
