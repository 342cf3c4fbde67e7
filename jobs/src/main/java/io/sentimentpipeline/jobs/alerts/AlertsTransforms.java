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
import static org.apache.spark.sql.functions.min;
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
import org.apache.spark.sql.functions;

/**
 * The alerts stage's pure transformations, from scored documents to entity-days with every rule's
 * statistics, and from those to alerts with their driving documents. Built-in functions only
 * (windows, collect_list and SQL higher-order functions), so Spark can optimise and no Java runs on
 * executors. No reads or writes.
 *
 * <p>The rules look back over a trailing window of {@code baselineDays} <em>calendar</em> days; the
 * share and score rules use only days that have documents, the volume rules of {@link VolumeRules}
 * count the other days since the entity's first day seen as 0. A run for [from, to] therefore needs the daily rows from
 * {@code from - baselineDays} on, and a nightly run computes exactly what a backtest computes for
 * the same day (no state carried between runs).
 */
public final class AlertsTransforms {

  /** Rule names as stored in {@code gold.sentiment_alerts.rule}. */
  public static final String ROBUST_Z = "robust_z";

  public static final String EWMA = "ewma";
  public static final String NEGATIVE_SURGE = "negative_surge";
  public static final String VOLUME_NEGATIVE = "volume_negative";
  public static final String CUSUM = "cusum";
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
    return scoredDocuments
        .withColumn("entity", explode(entities()))
        .withColumn("fingerprint", fingerprint(col("title"), col("text")));
  }

  /**
   * {@code domain, entity, first_seen}: each entity's first day with a document among {@code
   * scores} (needs {@code domain, source, entities, event_date}). The volume rules zero-fill from
   * it, so give it the whole history of the scores, not only the days being computed.
   */
  public static Dataset<Row> firstSeen(Dataset<Row> scores) {
    return scores
        .withColumn("entity", explode(entities()))
        .groupBy("domain", "entity")
        .agg(min("event_date").as("first_seen"));
  }

  private static Column entities() {
    return when(size(col("entities")).gt(0), col("entities"))
        .when(col("domain").equalTo(Domain.REVIEW.key()), array(col("source")));
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
   * fingerprints), {@code negative_stories} (distinct fingerprints labelled negative), {@code mean_score}, {@code negative_share}, {@code positive_share}, {@code
   * mean_confidence}.
   */
  public static Dataset<Row> daily(Dataset<Row> entityDocuments) {
    return entityDocuments
        .groupBy("domain", "entity", "event_date", "model_version")
        .agg(
            count(lit(1)).as("documents"),
            countDistinct(col("fingerprint")).as("stories"),
            countDistinct(when(col("label").equalTo("negative"), col("fingerprint"))).as("negative_stories"),
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

  /**
   * {@link #daily}, then every rule; {@code firstSeen} ({@link #firstSeen}) holds each entity's first
   * day seen over the whole history (an entity it lacks starts on its first day here).
   */
  public static Dataset<Row> dailyWithRules(Dataset<Row> entityDocuments, Dataset<Row> firstSeen, AlertsConfig config) {
    return withRules(daily(entityDocuments), firstSeen, config);
  }

  /** Every rule's statistics and {@code <rule>_fired} flags on {@link #daily} rows. */
  public static Dataset<Row> withRules(Dataset<Row> daily, Dataset<Row> firstSeen, AlertsConfig config) {
    Column firstHere = min("event_date").over(Window.partitionBy("domain", "entity"));
    Dataset<Row> seen =
        daily
            .join(firstSeen.select("domain", "entity", "first_seen"), seq("domain", "entity"), "left")
            .withColumn("first_seen", functions.least(functions.coalesce(col("first_seen"), firstHere), firstHere));
    Dataset<Row> stats = CusumRule.apply(VolumeRules.apply(ewma(robustZ(seen, config), config), config), config);
    for (Rule rule : rules(config)) {
      stats = stats.withColumn(rule.name() + "_fired", lit(rule.enabled()).and(rule.eligible()).and(rule.score().geq(rule.threshold())));
    }
    return stats;
  }

  /** The {@code gold.entity_daily_sentiment} layout (rule flags and MADs dropped). */
  public static Dataset<Row> entityDaily(Dataset<Row> withRules) {
    return withRules.select(
        "domain", "entity", "event_date", "documents", "stories", "negative_stories", "mean_score", "negative_share",
        "positive_share", "mean_confidence", "baseline_days", "negative_share_median", "negative_share_z",
        "mean_score_median", "mean_score_ewma", "mean_score_ewma_z", "first_seen", "calendar_baseline_days",
        "negative_stories_median", "negative_stories_z", "documents_median", "documents_z", "mean_score_z",
        "mean_score_cusum", "model_version");
  }

  /**
   * One rule as the alerts and the backtest see it: it fires on an {@code eligible} row when {@code
   * enabled} and {@code score >= threshold}; {@code score} is oriented so that higher is worse
   * (the EWMA's z negated). {@code z} and {@code storedThreshold} are what the alert row records.
   * All columns are of the {@link #entityDaily} layout, so the backtest can sweep thresholds over
   * the stored table.
   */
  public record Rule(
      String name, boolean enabled, String metric, Column observed, Column baseline, Column z, Column score,
      Column eligible, double threshold, double storedThreshold, double critical) {}

  /** The five rules in report order. */
  public static java.util.List<Rule> rules(AlertsConfig config) {
    AlertsConfig.VolumeNegative volume = config.volumeNegative();
    return java.util.List.of(
        new Rule(ROBUST_Z, true, "negative_share", col("negative_share"), col("negative_share_median"),
            col("negative_share_z"), col("negative_share_z"), eligible(config), config.robustZ().threshold(),
            config.robustZ().threshold(), config.robustZ().critical()),
        new Rule(EWMA, true, "mean_score", col("mean_score_ewma"), col("mean_score_median"), col("mean_score_ewma_z"),
            functions.negate(col("mean_score_ewma_z")), eligible(config), config.ewma().limit(), -config.ewma().limit(),
            config.ewma().critical()),
        new Rule(NEGATIVE_SURGE, config.negativeSurge().enabled(), "negative_stories", col("negative_stories"),
            col("negative_stories_median"), col("negative_stories_z"), col("negative_stories_z"),
            VolumeRules.eligible(config), config.negativeSurge().threshold(), config.negativeSurge().threshold(),
            config.negativeSurge().critical()),
        new Rule(VOLUME_NEGATIVE, volume.enabled(), "documents", col("documents"), col("documents_median"),
            col("documents_z"), col("documents_z"),
            VolumeRules.eligible(config).and(col("mean_score_z").lt(-volume.scoreZ())), volume.threshold(),
            volume.threshold(), volume.critical()),
        new Rule(CUSUM, config.cusum().enabled(), "mean_score", col("mean_score"), col("mean_score_median"),
            col("mean_score_cusum"), col("mean_score_cusum"), eligible(config), config.cusum().h(), config.cusum().h(),
            config.cusum().critical()));
  }

  /**
   * Every eligible row of every rule, enabled or not, with its oriented score and no threshold:
   * {@code entity, event_date, rule, score}. On {@link #entityDaily} rows (or {@link #withRules}).
   */
  public static Dataset<Row> candidates(Dataset<Row> daily, AlertsConfig config) {
    Dataset<Row> all = null;
    for (Rule rule : rules(config)) {
      Dataset<Row> one =
          daily.where(rule.eligible().and(rule.score().isNotNull()))
              .select(col("entity"), col("event_date"), lit(rule.name()).as("rule"), rule.score().cast("double").as("score"));
      all = all == null ? one : all.unionByName(one);
    }
    return all;
  }

  /**
   * One row per fired (entity-day, rule): {@code alert_id} (stable hash of domain, entity, day,
   * rule and model version), {@code rule}, {@code severity} (critical when |z| reaches the rule's
   * critical band), {@code metric}, {@code observed}, {@code baseline}, {@code z}, {@code
   * threshold}, volume and {@code model_version}.
   */
  public static Dataset<Row> alerts(Dataset<Row> withRules, AlertsConfig config) {
    Dataset<Row> all = null;
    for (Rule rule : rules(config)) {
      Dataset<Row> one =
          fired(withRules, rule.name(), rule.name() + "_fired", rule.metric(), rule.observed().cast("double"),
              rule.baseline().cast("double"), rule.z().cast("double"), rule.storedThreshold(), rule.critical());
      all = all == null ? one : all.unionByName(one);
    }
    return all;
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

  /** Volume floor and enough history (days with documents): the share and score rules' conditions. */
  static Column eligible(AlertsConfig config) {
    return col("documents").geq(config.minDocuments()).and(col("baseline_days").geq(config.minBaselineDays()));
  }

  /** The {@code baselineDays} calendar days before the row's day, the day itself excluded. */
  static WindowSpec baseline(AlertsConfig config) {
    return byDay().rangeBetween(-config.baselineDays(), -1);
  }

  static WindowSpec byDay() {
    return Window.partitionBy("domain", "entity").orderBy(dayNumber());
  }

  static Column dayNumber() {
    return datediff(col("event_date"), lit(java.sql.Date.valueOf("1970-01-01")));
  }

  private static scala.collection.Seq<String> seq(String... columns) {
    return scala.collection.JavaConverters.asScalaBuffer(java.util.List.of(columns)).toSeq();
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
