package io.sentimentpipeline.jobs.cli;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import io.sentimentpipeline.jobs.alerts.AlertsJob;
import io.sentimentpipeline.jobs.catalog.TableMaintenance;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.clean.CleanJob;
import io.sentimentpipeline.jobs.config.ConfigLoader;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.config.Target;
import io.sentimentpipeline.jobs.ingest.IngestJob;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.jobs.score.ScoreJob;
import io.sentimentpipeline.jobs.tokenize.TokenizeJob;
import io.sentimentpipeline.jobs.train.TrainConfig;
import io.sentimentpipeline.jobs.train.TrainJob;
import io.sentimentpipeline.udfs.train.TrainerConfig;
import java.nio.file.Files;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    header = "The nightly sequence: ingest, clean, tokenize, score, alerts, optimize.",
    footerHeading = "%nExample:%n",
    footer = {"  ./pipeline run --conf nightly.conf --run-date 2026-11-27", "  ./pipeline run --demo-data    (the demo corpus, champions fine-tuned first)"},
    description = {
      "Run the nightly sequence for a run date: ingest, clean, tokenize, score, alerts over the last",
      "alerts.recompute-days days, then optimize the gold tables; prints counts and rates.",
      "`pipeline steps --run-date D` prints the same steps as separate commands (what the Airflow",
      "DAG runs). Fails (exit 65) when a domain to score has no champion model: train one with",
      "`pipeline train --domain D`.",
      "With --demo-data: writes the demo corpus first if absent, fine-tunes a champion for each domain",
      "that has none (2 epochs unless --set train.epochs=N; minutes on a CPU) and an entity champion",
      "for each domain with entity labels that has none (1 epoch at learning rate 2e-4, a minute or",
      "two), and computes alerts over the whole demo period."
    })
final class RunCommand extends SparkCommand {

  @Option(
      names = "--demo-data",
      description = "Demo: write the demo corpus to demo.output if absent, fine-tune missing champions, alert over the demo period.")
  boolean demoData;

  /** Epochs of the demo's first fine-tuning: enough to beat the baseline, a few minutes on a CPU. */
  private static final int DEMO_TRAIN_EPOCHS = 2;

  /**
   * The demo entity model's budget: one epoch over the (text, entity) pairs, 1 to 2½ minutes on 2
   * CPU cores, at a learning rate high enough to beat TF-IDF in it (at 5e-5 one epoch does not).
   */
  private static final int DEMO_ENTITY_EPOCHS = 1;

  private static final float DEMO_ENTITY_LEARNING_RATE = 2e-4f;

  /** The demo's training: {@code epochs} and {@code learningRate} unless a file or --set chose them. */
  private static TrainConfig demoTraining(TrainConfig train, Config loaded, int epochs, float learningRate) {
    TrainerConfig trainer = train.trainer();
    if (ConfigLoader.fromEmbeddedDefault(loaded, "train.epochs")) {
      trainer = trainer.withEpochs(epochs);
    }
    if (ConfigLoader.fromEmbeddedDefault(loaded, "train.learning-rate")) {
      trainer = trainer.withLearningRate(learningRate);
    }
    return train.withTrainer(trainer);
  }

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    if (demoData && !Files.isDirectory(config.demo().output())) {
      DemoDataCommand.write(config);
      out().println("demo-data written to " + config.demo().output());
    }
    Rates rates = new Rates();
    for (NightlyStep step : NightlyStep.values()) {
      // A switch expression: a step added to NightlyStep does not compile until `run` executes it.
      String done =
          switch (step) {
            case INGEST -> ingest(spark, config, runDate, rates);
            case CLEAN -> clean(spark, config, runDate, rates);
            case TOKENIZE -> tokenize(spark, config);
            case SCORE -> score(spark, config, runDate);
            case ALERTS -> alerts(spark, config, runDate);
            case OPTIMIZE -> "optimize " + TableMaintenance.optimizeGold(spark, new Warehouse(config.warehouse()));
          };
      out().println(done);
    }
  }

  /** Ingest and clean are timed together: the rows read against the time until they are clean. */
  private static final class Rates {
    long ingestStart;
    long rowsRead;
  }

  private String ingest(SparkSession spark, PipelineConfig config, LocalDate runDate, Rates rates) {
    rates.ingestStart = System.nanoTime();
    IngestJob.Result ingest = IngestJob.run(spark, new Warehouse(config.warehouse()), config.sources(), runDate);
    rates.rowsRead = ingest.rowsRead();
    return ingest.toString();
  }

  private String clean(SparkSession spark, PipelineConfig config, LocalDate runDate, Rates rates) {
    CleanJob.Result clean = CleanJob.run(spark, new Warehouse(config.warehouse()), config.clean(), runDate);
    double seconds = seconds(rates.ingestStart);
    out().println("clean " + clean);
    return String.format(
        "rate ingest+clean: %d rows in %.1f s = %.0f rows/s", rates.rowsRead, seconds, rates.rowsRead / seconds);
  }

  private String tokenize(SparkSession spark, PipelineConfig config) {
    long start = System.nanoTime();
    TokenizeJob.Result tokenize = TokenizeJob.run(spark, new Warehouse(config.warehouse()), config.tokenize());
    double seconds = seconds(start);
    out().println("tokenize " + tokenize);
    return tokenizeRate(tokenize, seconds);
  }

  /** The rate line of tokenize, printed by {@code run} and {@code tokenize}. */
  static String tokenizeRate(TokenizeJob.Result tokenize, double seconds) {
    return String.format(
        "rate tokenize: %d docs in %.1f s = %.0f docs/s, %.0f Spark NLP tokens/s, %.0f WordPiece ids/s",
        tokenize.documents(), seconds, tokenize.documents() / seconds,
        tokenize.tokens() / seconds, tokenize.inputIds() / seconds);
  }

  private String score(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    if (demoData) {
      trainMissingChampions(spark, config);
    }
    long start = System.nanoTime();
    ScoreJob.Result score = ScoreJob.run(spark, new Warehouse(config.warehouse()), config.score(), runDate);
    double seconds = seconds(start);
    out().println("score " + score);
    return String.format("rate score: %d docs in %.1f s = %.1f docs/s", score.scored(), seconds, score.scored() / seconds);
  }

  /** What {@code alerts --nightly} computes; the demo covers its whole period instead. */
  private String alerts(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    LocalDate from = NightlyStep.alertsFrom(config.alerts(), runDate);
    LocalDate to = runDate;
    if (demoData) {
      from = config.demo().endDate().minusDays(config.demo().newsDays() - 1L);
      to = runDate.isAfter(config.demo().endDate()) ? runDate : config.demo().endDate();
    }
    return "alerts " + AlertsJob.run(spark, new Warehouse(config.warehouse()), config.alerts(), from, to, NightlyStep.alertsRunId(runDate));
  }

  /**
   * Demo only: fine-tunes a model for each domain to score that has no champion yet, and an entity
   * model for each such domain with entity labels (the demo news) that has no entity champion.
   */
  private void trainMissingChampions(SparkSession spark, PipelineConfig config) {
    Warehouse warehouse = new Warehouse(config.warehouse());
    ModelRegistry registry = new ModelRegistry(spark, warehouse);
    Config loaded = ConfigLoader.load(common.conf, common.overrides);
    TrainConfig train = config.train();
    TrainConfig documents =
        demoTraining(train, loaded, DEMO_TRAIN_EPOCHS, train.trainer().learningRate()).withTarget(Target.DOCUMENT);
    TrainConfig entities = demoTraining(train, loaded, DEMO_ENTITY_EPOCHS, DEMO_ENTITY_LEARNING_RATE).withTarget(Target.ENTITY);
    for (Domain domain : config.score().domains()) {
      if (registry.champion(domain.key()).isEmpty()) {
        out().println("train: no " + domain.key() + " champion yet; fine-tuning one on the labelled demo documents");
        out().println("train " + TrainJob.run(spark, warehouse, documents.withDomain(domain), 0));
      }
      if (registry.champion(domain.key(), Target.ENTITY).isEmpty() && hasEntityLabels(spark, warehouse, domain)) {
        out().println("train: no " + domain.key() + " entity champion yet; fine-tuning one on the demo's entity labels");
        out().println("train " + TrainJob.run(spark, warehouse, entities.withDomain(domain), 0));
      }
    }
  }

  private static boolean hasEntityLabels(SparkSession spark, Warehouse warehouse, Domain domain) {
    return warehouse.exists(spark, TableName.ENTITY_LABELS)
        && !warehouse.read(spark, TableName.ENTITY_LABELS).where(col("domain").equalTo(domain.key())).isEmpty();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
