package io.sentimentpipeline.jobs.alerts;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_remove;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.sentimentpipeline.jobs.config.Domain;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The alerts stage's pure transformations, from scored documents to entity-days with both rules'
 * statistics, and from those to alerts with their driving documents. Built-in functions only
 * (windows, collect_list and SQL higher-order functions), so Spark can optimise and no Java runs on
 * executors. No reads or writes.
 *
 * <p>Both rules look back over a trailing window of {@code baselineDays} <em>calendar</em> days and
 * use only days that have documents; a run for [from, to] therefore needs the daily rows from
 * {@code from - baselineDays} on, and a nightly run computes exactly what a backtest computes for
 * the same day (no state carried between runs).
 */
public final class AlertsTransforms {

  /** Rule names as stored in {@code gold.sentiment_alerts.rule}. */
  public static final String ROBUST_Z = "robust_z";

  public static final String EWMA = "ewma";
  public static final String WARNING = "warning";
  public static final String CRITICAL = "critical";

  /** 1.4826 * MAD estimates the standard deviation of normally distributed data. */
  public static final double MAD_TO_SIGMA = 1.4826;

  private AlertsTransforms() {}

  /**
   * One row per (document, entity): a news document counts once for each ticker it mentions (news
   * without a ticker is about no entity and is dropped); a review, which has no entities, counts
   * for its source, so a review source is watched as a whole. Adds {@code entity} and {@code
   * fingerprint}.
   */
  public static Dataset<Row> byEntity(Dataset<Row> scoredDocuments) {
    Column entities =
        when(size(col("entities")).gt(0), col("entities"))
            .when(col("domain").equalTo(Domain.REVIEW.key()), array(col("source")));
    return scoredDocuments
        .withColumn("entity", explode(entities))
        .withColumn("fingerprint", fingerprint(col("title"), col("text")));
  }

  /**
   * Near-duplicate key of a document: the sorted, distinct, lower-cased alphanumeric words of title
   * and text, hashed. Wire copies that differ only in case, punctuation, spacing, word order or
   * repeated words share it; an edited copy with one new word does not (deliberately strict, so
   * distinct stories are never merged).
   */
  public static Column fingerprint(Column title, Column text) {
    Column words =
        split(trim(regexp_replace(lower(concat_ws(" ", title, text)), "[^\\p{L}\\p{N}]+", " ")), " ");
    return sha2(concat_ws(" ", array_sort(array_distinct(array_remove(words, "")))), 256);
  }

  /**
   * Per (domain, entity, event_date, model_version): {@code documents}, {@code stories} (distinct
   * fingerprints), {@code mean_score}, {@code negative_share}, {@code positive_share}, {@code
   * mean_confidence}.
   */
  public static Dataset<Row> daily(Dataset<Row> entityDocuments) {
    return entityDocuments
        .groupBy("domain", "entity", "event_date", "model_version")
        .agg(
            count(lit(1)).as("documents"),
            countDistinct(col("fingerprint")).as("stories"),
            avg("score").as("mean_score"),
            avg(share("negative")).as("negative_share"),
            avg(share("positive")).as("positive_share"),
            avg("confidence").as("mean_confidence"));
  }

  /**
   * Adds the fast rule's statistics on {@code negative_share}: {@code baseline_days} (days with data
   * among the {@code baselineDays} before), {@code negative_share_median}, {@code negative_share_mad}
   * and {@code negative_share_z}, and {@code robust_z_fired}.
   */
  public static Dataset<Row> robustZ(Dataset<Row> daily, AlertsConfig config) {
    AlertsConfig.RobustZ rule = config.robustZ();
    Dataset<Row> withBaseline =
        daily
            .withColumn("_neg_baseline", collect_list("negative_share").over(baseline(config)))
            .withColumn("baseline_days", size(col("_neg_baseline")))
            .withColumn("negative_share_median", median("_neg_baseline"))
            .withColumn(
                "negative_share_mad",
                median("transform(_neg_baseline, x -> abs(x - negative_share_median))"));
    Column sigma = greatest(col("negative_share_mad").multiply(MAD_TO_SIGMA), lit(rule.madFloor()));
    Column z = col("negative_share").minus(col("negative_share_median")).divide(sigma);
    return withBaseline
        .withColumn("negative_share_z", z)
        .withColumn("robust_z_fired", eligible(config).and(z.geq(rule.threshold())))
        .drop("_neg_baseline");
  }

  /**
   * Adds the slow rule's statistics on {@code mean_score}: {@code mean_score_median} and {@code
   * mean_score_mad} of the baseline days, {@code mean_score_ewma} (weights {@code (1 -
   * lambda)^(days ago)} over the day and its baseline window, normalised) and {@code
   * mean_score_ewma_z} in units of the EWMA's spread; {@code ewma_fired} when it is {@code limit}
   * or more below. Needs {@code baseline_days} from {@link #robustZ}. Only a fall fires: the alerts
   * are about deteriorating sentiment.
   */
  public static Dataset<Row> ewma(Dataset<Row> withRobustZ, AlertsConfig config) {
    AlertsConfig.Ewma rule = config.ewma();
    WindowSpec dayAndBaseline = byDay().rangeBetween(-config.baselineDays(), 0);
    double keep = 1 - rule.lambda();
    String weight = "pow(" + keep + "D, _day - r.day)";
    Dataset<Row> stats =
        withRobustZ
            .withColumn("_day", dayNumber())
            .withColumn("_score_baseline", collect_list("mean_score").over(baseline(config)))
            .withColumn("mean_score_median", median("_score_baseline"))
            .withColumn(
                "mean_score_mad", median("transform(_score_baseline, x -> abs(x - mean_score_median))"))
            .withColumn(
                "_recent",
                collect_list(struct(dayNumber().as("day"), col("mean_score").as("v"))).over(dayAndBaseline))
            .withColumn(
                "mean_score_ewma",
                expr(
                    "aggregate(_recent, named_struct('s', 0D, 'w', 0D),"
                        + " (acc, r) -> named_struct('s', acc.s + " + weight + " * r.v, 'w', acc.w + " + weight + "),"
                        + " acc -> acc.s / acc.w)"));
    Column sigma =
        greatest(col("mean_score_mad").multiply(MAD_TO_SIGMA), lit(rule.sigmaFloor())).multiply(rule.spreadFactor());
    Column z = col("mean_score_ewma").minus(col("mean_score_median")).divide(sigma);
    return stats
        .withColumn("mean_score_ewma_z", z)
        .withColumn("ewma_fired", eligible(config).and(z.leq(-rule.limit())))
        .drop("_day", "_score_baseline", "_recent");
  }

  /** {@link #daily}, then both rules. */
  public static Dataset<Row> dailyWithRules(Dataset<Row> entityDocuments, AlertsConfig config) {
    return ewma(robustZ(daily(entityDocuments), config), config);
  }

  /** The {@code gold.entity_daily_sentiment} layout (rule flags and MADs dropped). */
  public static Dataset<Row> entityDaily(Dataset<Row> withRules) {
    return withRules.select(
        "domain", "entity", "event_date", "documents", "stories", "mean_score", "negative_share",
        "positive_share", "mean_confidence", "baseline_days", "negative_share_median", "negative_share_z",
        "mean_score_median", "mean_score_ewma", "mean_score_ewma_z", "model_version");
  }

  /**
   * One row per fired (entity-day, rule): {@code alert_id} (stable hash of domain, entity, day,
   * rule and model version), {@code rule}, {@code severity} (critical when |z| reaches the rule's
   * critical band), {@code metric}, {@code observed}, {@code baseline}, {@code z}, {@code
   * threshold}, volume and {@code model_version}.
   */
  public static Dataset<Row> alerts(Dataset<Row> withRules, AlertsConfig config) {
    Dataset<Row> fast =
        fired(withRules, ROBUST_Z, "robust_z_fired", "negative_share", col("negative_share"),
            col("negative_share_median"), col("negative_share_z"), config.robustZ().threshold(),
            config.robustZ().critical());
    Dataset<Row> slow =
        fired(withRules, EWMA, "ewma_fired", "mean_score", col("mean_score_ewma"),
            col("mean_score_median"), col("mean_score_ewma_z"), -config.ewma().limit(), config.ewma().critical());
    return fast.unionByName(slow);
  }

  /**
   * Adds {@code top_documents} to each alert: the {@code n} most negative documents (lowest score,
   * then doc_id) of its entity-day as {@code array<struct<doc_id, title, text, score>>}, text cut to
   * {@code textChars}.
   */
  public static Dataset<Row> withTopDocuments(
      Dataset<Row> alerts, Dataset<Row> entityDocuments, int n, int textChars) {
    String[] keys = {"domain", "entity", "event_date"};
    Dataset<Row> alertDays = alerts.select(keys[0], keys[1], keys[2]).distinct();
    Dataset<Row> ranked =
        entityDocuments
            .join(alertDays, scala.collection.JavaConverters.asScalaBuffer(java.util.List.of(keys)).toSeq(), "left_semi")
            .withColumn(
                "_rank",
                row_number()
                    .over(Window.partitionBy(keys[0], keys[1], keys[2]).orderBy(col("score").asc_nulls_last(), col("doc_id"))))
            .where(col("_rank").leq(n));
    Dataset<Row> top =
        ranked
            .groupBy(keys[0], keys[1], keys[2])
            .agg(
                collect_list(
                        struct(
                            col("_rank"), col("doc_id"), col("title"),
                            substring(col("text"), 1, textChars).as("text"), col("score")))
                    .as("_top"))
            .withColumn(
                "top_documents",
                expr("transform(array_sort(_top), d -> named_struct('doc_id', d.doc_id, 'title', d.title, 'text', d.text, 'score', d.score))"))
            .drop("_top");
    return alerts.join(top, scala.collection.JavaConverters.asScalaBuffer(java.util.List.of(keys)).toSeq(), "left");
  }

  private static Dataset<Row> fired(
      Dataset<Row> withRules, String rule, String flag, String metric, Column observed,
      Column baseline, Column z, double threshold, double critical) {
    return withRules
        .where(col(flag))
        .select(
            sha2(concat_ws("|", col("domain"), col("entity"), col("event_date").cast("string"), lit(rule),
                    col("model_version").cast("string")), 256)
                .as("alert_id"),
            col("domain"),
            col("entity"),
            col("event_date"),
            lit(rule).as("rule"),
            when(abs(z).geq(critical), lit(CRITICAL)).otherwise(lit(WARNING)).as("severity"),
            lit(metric).as("metric"),
            observed.as("observed"),
            baseline.as("baseline"),
            z.as("z"),
            lit(threshold).as("threshold"),
            col("documents"),
            col("stories"),
            col("baseline_days"),
            col("model_version"));
  }

  /** Volume floor and enough history: the conditions both rules share. */
  private static Column eligible(AlertsConfig config) {
    return col("documents").geq(config.minDocuments()).and(col("baseline_days").geq(config.minBaselineDays()));
  }

  /** The {@code baselineDays} calendar days before the row's day, the day itself excluded. */
  private static WindowSpec baseline(AlertsConfig config) {
    return byDay().rangeBetween(-config.baselineDays(), -1);
  }

  private static WindowSpec byDay() {
    return Window.partitionBy("domain", "entity").orderBy(dayNumber());
  }

  private static Column dayNumber() {
    return datediff(col("event_date"), lit(java.sql.Date.valueOf("1970-01-01")));
  }

  private static Column share(String label) {
    return when(col("label").equalTo(label), lit(1.0)).otherwise(lit(0.0));
  }

  /**
   * Median of a numeric array given as SQL (a column name or an expression); null when it is empty.
   * {@code get} is 0-based and null out of bounds.
   */
  public static Column median(String arraySql) {
    String sorted = "array_sort(" + arraySql + ")";
    String n = "size(" + arraySql + ")";
    return expr(
        "(get(" + sorted + ", cast((" + n + " - 1) div 2 as int)) + get(" + sorted + ", cast(" + n + " div 2 as int))) / 2");
  }
}
