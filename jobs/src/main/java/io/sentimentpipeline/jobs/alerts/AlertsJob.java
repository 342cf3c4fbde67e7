package io.sentimentpipeline.jobs.alerts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.StageLease;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts: from {@code gold.sentiment_scores} (one model version, the champion by default) to
 * {@code gold.entity_daily_sentiment} (per entity and day: volume, stories, mean score, shares and
 * every rule's statistics) and {@code gold.sentiment_alerts} (what fired, with the documents that
 * drove it). The days [from, to] of the configured domain are replaced in both tables, so a rerun
 * or a backtest over the same range leaves the same rows. The range's alerts also go to {@code
 * <alerts.output-dir>/alerts-<to>.jsonl} and, when configured, to a webhook; a webhook failure is
 * logged and reported in the result but does not fail the job, because the alerts are stored by
 * then and a retry of the whole job would only resend them. Each top document carries the words
 * that drove its score ({@link AlertAttributions}), or none when the model cannot be loaded.
 */
public final class AlertsJob {

  private static final Logger LOG = LoggerFactory.getLogger(AlertsJob.class);

  private static final Map<String, String> COLUMN_COMMENTS =
      Map.ofEntries(
          Map.entry("domain", "review or news"),
          Map.entry("entity", "news: ticker; reviews: the source name"),
          Map.entry("event_date", "UTC day of the documents"),
          Map.entry("documents", "scored documents of the entity that day"),
          Map.entry("stories", "distinct stories: documents after collapsing near-duplicates (same sorted word set)"),
          Map.entry("mean_score", "mean of score = p_positive - p_negative, in [-1, 1]"),
          Map.entry("negative_share", "share of documents labelled negative"),
          Map.entry("positive_share", "share of documents labelled positive"),
          Map.entry("mean_confidence", "mean model confidence"),
          Map.entry("baseline_days", "days with documents among the alerts.baseline-days before"),
          Map.entry("negative_share_median", "baseline median of negative_share"),
          Map.entry("negative_share_z", "robust z of negative_share: (x - median) / max(1.4826 MAD, floor)"),
          Map.entry("mean_score_median", "baseline median of mean_score"),
          Map.entry("mean_score_ewma", "EWMA of mean_score over the day and its baseline window"),
          Map.entry("mean_score_ewma_z", "(EWMA - median) in units of the EWMA's spread; negative = worse"),
          Map.entry("negative_stories", "distinct stories among the documents labelled negative"),
          Map.entry("first_seen", "the entity's first day with a scored document: the volume rules zero-fill from it"),
          Map.entry("calendar_baseline_days", "calendar days of the baseline window since first_seen (days without documents = 0)"),
          Map.entry("negative_stories_median", "zero-filled baseline median of negative_stories"),
          Map.entry("negative_stories_z", "negative_surge: robust z of negative_stories (zero-filled baseline)"),
          Map.entry("documents_median", "zero-filled baseline median of documents"),
          Map.entry("documents_z", "volume_negative: robust z of documents (zero-filled baseline)"),
          Map.entry("mean_score_z", "robust z of mean_score against its baseline; negative = worse"),
          Map.entry("mean_score_cusum", "cusum: one-sided downward CUSUM of mean_score_z, S = max(0, S - z - k)"),
          Map.entry("model_version", "model version whose scores were used"),
          Map.entry("alert_id", "stable id: hash of domain, entity, day, rule, model version"),
          Map.entry("rule", "robust_z (negative share), ewma (fall of mean score), negative_surge (negative stories),"
              + " volume_negative (volume surge, score below baseline), cusum (slow slide of mean score)"),
          Map.entry("severity", "warning, or critical when |z| reaches the rule's critical band"),
          Map.entry("metric", "the statistic the rule watches"),
          Map.entry("observed", "the day's value of the metric (ewma: mean_score_ewma)"),
          Map.entry("baseline", "baseline median of the metric"),
          Map.entry("z", "the rule's statistic (negative_share_z, mean_score_ewma_z, negative_stories_z, documents_z, mean_score_cusum)"),
          Map.entry("threshold", "the statistic the rule fires at (cusum: h)"),
          Map.entry("top_documents", "most negative documents of the entity-day: doc_id, title, text (cut), score, attributions (word, weight: drop in p_negative without the word; null when the model could not be loaded)"),
          Map.entry("run_id", "the alerts run that wrote the row"));

  private AlertsJob() {}

  /** What one run wrote; {@code attributions} says how the top documents were explained (or why not). */
  public record Result(
      String domain,
      LocalDate from,
      LocalDate to,
      int modelVersion,
      long entityDays,
      long alerts,
      Map<String, Long> alertsByRule,
      Path jsonl,
      AlertsOutput.WebhookStatus webhook,
      String attributions) {

    @Override
    public String toString() {
      return String.format(
          "%s %s..%s with model version %d: %d entity-days, %d alerts %s; file %s; webhook %s; attributions %s",
          domain, from, to, modelVersion, entityDays, alerts, alertsByRule, jsonl, webhook, attributions);
    }
  }

  public static Result run(SparkSession spark, Warehouse warehouse, AlertsConfig alerts, LocalDate from, LocalDate to, String runId) {
    try (StageLease lease = StageLease.acquire(warehouse, "alerts")) {
      return runHoldingLease(spark, warehouse, alerts, from, to, runId);
    }
  }

  private static Result runHoldingLease(
      SparkSession spark, Warehouse warehouse, AlertsConfig alerts, LocalDate from, LocalDate to, String runId) {
    if (from.isAfter(to)) {
      throw new PipelineException(ErrorCategory.USAGE_OR_CONFIG, "alerts: --from " + from + " is after --to " + to);
    }
    String domain = alerts.domain().key();
    spark.sparkContext().setJobDescription("alerts " + domain + " " + from + ".." + to);
    if (!warehouse.exists(spark, TableName.SENTIMENT_SCORES)) {
      throw new PipelineException(
          ErrorCategory.BAD_INPUT,
          TableName.SENTIMENT_SCORES + " does not exist under " + warehouse.root() + ": run `pipeline score` first");
    }
    Dataset<Row> scores =
        warehouse.read(spark, TableName.SENTIMENT_SCORES)
            .where(col("domain").equalTo(domain));
    int version = modelVersion(spark, warehouse, alerts, scores);
    LocalDate readFrom = from.minusDays(alerts.baselineDays());
    Dataset<Row> scored =
        withText(spark, warehouse, domain, readFrom, to,
            scores.where(col("model_version").equalTo(version).and(between(readFrom, to))));

    String attributions;
    Dataset<Row> entityDocuments =
        EntityScoreOverlay.apply(AlertsTransforms.byEntity(scored), EntityScoreOverlay.entityScores(spark, warehouse, domain))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> withRules =
          AlertsTransforms.dailyWithRules(entityDocuments, AlertsTransforms.firstSeen(scores.where(
                  col("model_version").equalTo(version).and(col("event_date").leq(lit(java.sql.Date.valueOf(to)))))), alerts)
              .where(between(from, to))
              .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        String rangeWhere = "domain = '" + domain + "' AND " + "event_date BETWEEN DATE'" + from + "' AND DATE'" + to + "'";
        write(warehouse, TableName.ENTITY_DAILY, AlertsTransforms.entityDaily(withRules), rangeWhere);
        Dataset<Row> fired =
            AlertsTransforms.withTopDocuments(
                    AlertsTransforms.alerts(withRules, alerts), entityDocuments, alerts.topDocuments(), alerts.textChars())
                .withColumn("run_id", lit(runId));
        AlertAttributions.Outcome explained = AlertAttributions.enrich(spark, warehouse, alerts, version, fired);
        attributions = explained.status();
        write(warehouse, TableName.SENTIMENT_ALERTS, explained.alerts(), rangeWhere);
      } finally {
        withRules.unpersist();
      }
    } finally {
      entityDocuments.unpersist();
    }
    warehouse.register(spark, TableName.ENTITY_DAILY);
    warehouse.register(spark, TableName.SENTIMENT_ALERTS);

    // Counted from the tables just written, so the result describes what is stored.
    Column inRange = col("domain").equalTo(domain).and(between(from, to));
    long entityDays = read(spark, warehouse, TableName.ENTITY_DAILY).where(inRange).count();
    Dataset<Row> stored = read(spark, warehouse, TableName.SENTIMENT_ALERTS).where(inRange);
    Map<String, Long> byRule = new TreeMap<>();
    for (Row row : stored.groupBy("rule").count().collectAsList()) {
      byRule.put(row.getString(0), row.getLong(1));
    }
    long alertCount = byRule.values().stream().mapToLong(Long::longValue).sum();

    Path jsonl =
        AlertsOutput.writeJsonLines(
            Path.of(alerts.outputDir()),
            "alerts-" + to + ".jsonl",
            stored.orderBy("event_date", "entity", "rule")
                .select(to_json(struct(Arrays.stream(stored.columns()).map(c -> col(c)).toArray(Column[]::new))))
                .as(org.apache.spark.sql.Encoders.STRING())
                .toLocalIterator());
    AlertsOutput.WebhookStatus webhook =
        alerts.webhookEnabled()
            ? AlertsOutput.post(alerts.webhookUrl(), alerts.webhookTimeout(), jsonl)
            : new AlertsOutput.WebhookStatus(AlertsOutput.WebhookOutcome.OFF, "");
    if (webhook.outcome() == AlertsOutput.WebhookOutcome.FAILED) {
      LOG.error(
          "Alerts webhook failed: {}. The {} alerts are stored in {} and {}; resend that file once the endpoint is fixed.",
          webhook.detail(), alertCount, TableName.SENTIMENT_ALERTS, jsonl);
    }
    Result result = new Result(domain, from, to, version, entityDays, alertCount, byRule, jsonl, webhook, attributions);
    return result;
  }

  /**
   * alerts.model-version when set; else the domain's champion in ml.models; else, with no
   * registry, the one version the scores hold (with a warning).
   */
  static int modelVersion(SparkSession spark, Warehouse warehouse, AlertsConfig alerts, Dataset<Row> scores) {
    if (alerts.modelVersion() > 0) {
      return alerts.modelVersion();
    }
    String domain = alerts.domain().key();
    OptionalInt champion = new ModelRegistry(spark, warehouse).championVersion(domain);
    if (champion.isPresent()) {
      return champion.getAsInt();
    }
    List<Integer> versions =
        scores.select("model_version").distinct().orderBy("model_version").as(org.apache.spark.sql.Encoders.INT()).collectAsList();
    if (versions.size() == 1) {
      LOG.warn("Alerts: no {} champion in {}; using the only scored version, {}", domain, ModelRegistry.MODELS, versions.get(0));
      return versions.get(0);
    }
    throw new PipelineException(
        ErrorCategory.BAD_INPUT,
        "alerts: no " + domain + " champion in " + ModelRegistry.MODELS + " and the " + domain + " scores hold versions "
            + versions + "; set alerts.model-version (e.g. --set alerts.model-version=" + (versions.isEmpty() ? 1 : versions.get(versions.size() - 1))
            + ") or train and promote a model");
  }

  /** Adds {@code title} and {@code text} from silver.documents (null when the document is missing). */
  private static Dataset<Row> withText(
      SparkSession spark, Warehouse warehouse, String domain, LocalDate from, LocalDate to, Dataset<Row> scores) {
    Dataset<Row> base = scores.select("doc_id", "domain", "source", "event_date", "entities", "label", "score", "confidence", "model_version");
    if (!warehouse.exists(spark, TableName.DOCUMENTS)) {
      LOG.warn("Alerts: {} is missing; alerts will have no titles or texts", TableName.DOCUMENTS);
      return base.withColumn("title", lit(null).cast("string")).withColumn("text", lit(null).cast("string"));
    }
    Dataset<Row> documents = read(spark, warehouse, TableName.DOCUMENTS);
    List<String> columns = Arrays.asList(documents.columns());
    // silver.documents names them title/text; accept the *_clean names too.
    String title = columns.contains("title") ? "title" : "title_clean";
    String text = columns.contains("text") ? "text" : "text_clean";
    Dataset<Row> texts =
        documents
            .where(col("domain").equalTo(domain).and(between(from, to)))
            .select(col("doc_id"), col(title).as("title"), col(text).as("text"));
    return base.join(texts, scala.collection.JavaConverters.asScalaBuffer(List.of("doc_id")).toSeq(), "left");
  }

  /** Replaces the rows matching {@code rangeWhere} in one Delta commit, with column comments. */
  private static void write(Warehouse warehouse, TableName table, Dataset<Row> rows, String rangeWhere) {
    Column[] commented =
        Arrays.stream(rows.columns()).map(c -> col(c).as(c, comment(COLUMN_COMMENTS.getOrDefault(c, "")))).toArray(Column[]::new);
    // Small tables (entities x days): not partitioned but Z-ordered by (entity, event_date) after
    // the nightly run; Delta's file statistics cover these leading columns for data skipping.
    // Adding columns: a table written before a rule existed gains that rule's statistics.
    warehouse.replace(rows.select(commented), table, rangeWhere);
  }

  private static Metadata comment(String text) {
    return new MetadataBuilder().putString("comment", text).build();
  }

  private static Dataset<Row> read(SparkSession spark, Warehouse warehouse, TableName table) {
    return warehouse.read(spark, table);
  }

  private static Column between(LocalDate from, LocalDate to) {
    return col("event_date").between(lit(java.sql.Date.valueOf(from)), lit(java.sql.Date.valueOf(to)));
  }
}
