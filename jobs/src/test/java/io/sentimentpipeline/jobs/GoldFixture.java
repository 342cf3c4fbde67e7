package io.sentimentpipeline.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;

import io.sentimentpipeline.jobs.alerts.AlertsJob;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import io.sentimentpipeline.udfs.train.EpochResult;
import io.sentimentpipeline.udfs.train.TrainingHistory;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Gold and ml tables over a warehouse whose {@code silver.documents} exists, for tests of what reads
 * them (BI, notebooks, DAGs) while {@code pipeline score} is built elsewhere: scores derived
 * deterministically from each document's label (85 % agree, confidence 0.5 to 1), a champion per
 * domain in {@code ml.models} with its training run, then the real {@link AlertsJob}.
 */
public final class GoldFixture {

  public static final List<String> LABELS = List.of("negative", "neutral", "positive");

  private GoldFixture() {}

  /** Writes gold.sentiment_scores (model version 1 of each domain) from silver.documents. */
  public static void writeScores(SparkSession spark, Warehouse warehouse) {
    Dataset<Row> documents = spark.read().format("delta").load(warehouse.location(TableName.DOCUMENTS));
    Column bucket = pmod(hash(col("doc_id")), lit(100));
    Column truth = coalesce(col("label"), lit("neutral"));
    Column rotated =
        when(truth.equalTo("negative"), lit("positive")).when(truth.equalTo("positive"), lit("neutral")).otherwise(lit("negative"));
    Column predicted = when(bucket.lt(15), rotated).otherwise(truth);
    Column confidence = lit(0.5).plus(bucket.divide(200.0));
    Column rest = lit(1.0).minus(confidence).divide(2.0);
    Dataset<Row> scores =
        documents
            .select(col("doc_id"), col("domain"), col("source"), col("event_date"), col("entities"), predicted.as("label"),
                confidence.as("confidence"), rest.as("rest"))
            .withColumn("p_negative", when(col("label").equalTo("negative"), col("confidence")).otherwise(col("rest")))
            .withColumn("p_neutral", when(col("label").equalTo("neutral"), col("confidence")).otherwise(col("rest")))
            .withColumn("p_positive", when(col("label").equalTo("positive"), col("confidence")).otherwise(col("rest")))
            .withColumn("score", col("p_positive").minus(col("p_negative")))
            .withColumn("model_name", concat(col("domain"), lit("-sentiment")))
            .withColumn("model_version", lit(1))
            .withColumn("scored_at", lit(Timestamp.valueOf("2026-11-28 02:00:00")))
            .select("doc_id", "domain", "source", "event_date", "entities", "label", "p_negative", "p_neutral",
                "p_positive", "score", "confidence", "model_name", "model_version", "scored_at");
    scores.write().format("delta").mode("overwrite").partitionBy("event_date").save(warehouse.location(TableName.SENTIMENT_SCORES));
    warehouse.register(spark, TableName.SENTIMENT_SCORES);
  }

  /** Registers version 1 of {@code <domain>-sentiment} as champion, with a two-epoch training run. */
  public static void registerChampion(SparkSession spark, Warehouse warehouse, String domain) {
    ModelRegistry registry = new ModelRegistry(spark, warehouse);
    String name = domain + "-sentiment";
    int version = registry.nextVersion(name);
    ModelRegistry.Candidate candidate =
        new ModelRegistry.Candidate(
            name, version, domain, "all-minilm-l6-v2", LABELS, "tok@1/max256", registry.bundleLocation(name, version),
            "checksum", Map.of(), metrics(80), metrics(78), metrics(70), metrics(69), "run-" + domain + "-" + version,
            Timestamp.valueOf("2026-11-27 10:00:00"));
    registry.register(candidate, 0.005);
    TrainingHistory history =
        new TrainingHistory(
            List.of(new EpochResult(1, 50, 0.9, 0.7, metrics(72), 12.5, 4.0), new EpochResult(2, 100, 0.6, 0.55, metrics(80), 13.1, 3.8)),
            2, 100, false);
    registry.recordRun(candidate, Map.of("learning-rate", "5e-5", "epochs", "2"), history, List.of("cpu"),
        Timestamp.valueOf("2026-11-27 10:00:00"), Timestamp.valueOf("2026-11-27 10:08:00"));
  }

  /** Scores, a news and a review champion, and the news alerts of [from, to]. */
  public static AlertsJob.Result build(SparkSession spark, PipelineConfig config, LocalDate from, LocalDate to) {
    Warehouse warehouse = new Warehouse(config.warehouse());
    writeScores(spark, warehouse);
    registerChampion(spark, warehouse, "news");
    registerChampion(spark, warehouse, "review");
    return Jobs.alerts(spark, config, from, to, "fixture");
  }

  /** Three-class metrics with {@code correct} of 100 right per class, the rest one class off. */
  private static ClassificationMetrics metrics(int correct) {
    long wrong = 100 - correct;
    return new ClassificationMetrics(
        LABELS, new long[][] {{correct, wrong, 0}, {0, correct, wrong}, {wrong, 0, correct}});
  }
}
