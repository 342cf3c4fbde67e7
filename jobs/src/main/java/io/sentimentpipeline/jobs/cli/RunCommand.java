package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.alerts.AlertsJob;
import io.sentimentpipeline.jobs.catalog.TableMaintenance;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.clean.CleanJob;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.config.PipelineConfig;
import io.sentimentpipeline.jobs.ingest.IngestJob;
import io.sentimentpipeline.jobs.score.ScoreJob;
import io.sentimentpipeline.jobs.tokenize.TokenizeJob;
import io.sentimentpipeline.jobs.train.ModelRegistry;
import io.sentimentpipeline.jobs.train.TrainJob;
import java.nio.file.Files;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    description = {
      "Run the nightly sequence for a run date: ingest, clean, tokenize, score, alerts, then compact",
      "the gold tables; prints counts and rates. Fails (exit 65) when a domain to score has no",
      "champion model: train one with `pipeline train --domain D`.",
      "With --demo-data: writes the demo corpus first if absent, fine-tunes a champion for each domain",
      "that has none (2 epochs unless --set train.epochs=N; minutes on a CPU), and computes alerts",
      "over the whole demo period."
    })
final class RunCommand extends SparkCommand {

  @Option(
      names = "--demo-data",
      description = "Demo: write the demo corpus to demo.output if absent, fine-tune missing champions, alert over the demo period.")
  boolean demoData;

  /** Epochs of the demo's first fine-tuning: enough to beat the baseline, a few minutes on a CPU. */
  private static final int DEMO_TRAIN_EPOCHS = 2;

  @Override
  PipelineConfig config() {
    if (demoData) {
      common.overrides.add(0, "train.epochs=" + DEMO_TRAIN_EPOCHS); // first, so a --set train.epochs wins
    }
    return super.config();
  }

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    if (demoData && !Files.isDirectory(config.demo().output())) {
      DemoDataCommand.write(config);
      out().println("demo-data written to " + config.demo().output());
    }
    long start = System.nanoTime();
    IngestJob.Result ingest = IngestJob.run(spark, config, runDate);
    out().println(ingest);
    CleanJob.Result clean = CleanJob.run(spark, config, runDate);
    out().println("clean " + clean);
    double ingestCleanSeconds = seconds(start);
    out().printf(
        "rate ingest+clean: %d rows in %.1f s = %.0f rows/s%n",
        ingest.rowsRead(), ingestCleanSeconds, ingest.rowsRead() / ingestCleanSeconds);

    start = System.nanoTime();
    TokenizeJob.Result tokenize = TokenizeJob.run(spark, config);
    out().println("tokenize " + tokenize);
    double tokenizeSeconds = seconds(start);
    out().printf(
        "rate tokenize: %d docs in %.1f s = %.0f docs/s, %.0f Spark NLP tokens/s, %.0f WordPiece ids/s%n",
        tokenize.documents(), tokenizeSeconds, tokenize.documents() / tokenizeSeconds,
        tokenize.tokens() / tokenizeSeconds, tokenize.inputIds() / tokenizeSeconds);

    if (demoData) {
      trainMissingChampions(spark, config);
    }
    start = System.nanoTime();
    ScoreJob.Result score = ScoreJob.run(spark, config, runDate);
    out().println("score " + score);
    double scoreSeconds = seconds(start);
    out().printf("rate score: %d docs in %.1f s = %.1f docs/s%n", score.scored(), scoreSeconds, score.scored() / scoreSeconds);

    // Documents can arrive days late: the nightly run recomputes a trailing window (idempotent).
    LocalDate from = runDate.minusDays(config.alerts().recomputeDays() - 1L);
    LocalDate to = runDate;
    if (demoData) {
      from = config.demo().endDate().minusDays(config.demo().newsDays() - 1L);
      to = runDate.isAfter(config.demo().endDate()) ? runDate : config.demo().endDate();
    }
    out().println("alerts " + AlertsJob.run(spark, config, from, to, "run-" + runDate));
    out().println("optimize " + TableMaintenance.optimizeGold(spark, new Warehouse(config.warehouse())));
  }

  /** Demo only: fine-tunes a model for each domain to score that has no champion yet. */
  private void trainMissingChampions(SparkSession spark, PipelineConfig config) {
    ModelRegistry registry = new ModelRegistry(spark, new Warehouse(config.warehouse()));
    for (Domain domain : config.score().domains()) {
      if (registry.champion(domain.key()).isEmpty()) {
        out().println("train: no " + domain.key() + " champion yet; fine-tuning one on the labelled demo documents");
        TrainJob.Result trained = TrainJob.run(spark, config, domain, 0);
        out().println("train " + trained);
      }
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
