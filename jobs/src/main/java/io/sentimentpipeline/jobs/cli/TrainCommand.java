package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.train.TrainConfig;
import io.sentimentpipeline.jobs.train.TrainJob;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "train",
    header = "Fine-tune the encoder on one domain's labelled documents; register it.",
    footerHeading = "%nExample:%n",
    footer = {"  ./pipeline train --conf nightly.conf --domain news", "  ./pipeline train --domain review --max-steps 20 --limit 500    (a smoke run)"},
    description = {
      "Fine-tune the configured encoder on one domain's labelled documents and register the model.",
      "Runs in a Spark barrier stage (train.tasks data-parallel tasks); compares with a TF-IDF baseline",
      "on the same split; the new version becomes champion only if it beats champion and baseline."
    })
final class TrainCommand extends SparkCommand {

  @Option(names = "--domain", description = "review or news (default: {{train.domain}}, from train.domain).")
  String domain;

  @Option(names = "--target", description = "document or entity: what the model classifies (default: {{train.target}}, from train.target). entity trains on (text, entity) pairs from silver.entity_labels.")
  String target;

  @Option(names = "--max-steps", description = "Stop after this many optimizer steps (smoke runs; default: {{train.max-steps}}, from train.max-steps; 0 = no cap).")
  Long maxSteps;

  @Option(names = "--limit", defaultValue = "0", description = "Use at most this many labelled documents (0 = all).")
  long limit;

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    TrainConfig train = config.train();
    if (domain != null) {
      train = train.withDomain(Domain.parse(domain, "--domain"));
    }
    if (target != null) {
      train = train.withTarget(io.sentimentpipeline.jobs.config.Target.parse(target, "--target"));
    }
    if (maxSteps != null) {
      train = train.withTrainer(train.trainer().withMaxSteps(maxSteps));
    }
    out().println("train " + TrainJob.run(spark, new Warehouse(config.warehouse()), train, limit));
  }
}
