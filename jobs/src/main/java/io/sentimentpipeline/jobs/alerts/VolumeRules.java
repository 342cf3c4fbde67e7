package io.sentimentpipeline.jobs.alerts;

import static org.apache.spark.sql.functions.array_repeat;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The rules that weigh volume: a robust z of a daily count against a <em>zero-filled</em> trailing
 * baseline. The daily rows exist only for days with documents; a baseline day without a row is a
 * day with count 0, provided it is on or after the entity's {@code first_seen} (before it nobody was
 * watching). So the baseline of a quiet ticker is mostly zeros instead of too short to use, and a
 * burst on it stands out. The zeros are appended to the window's values rather than materialised
 * as rows, so no calendar grid is built. Built-in functions only; no reads or writes.
 */
public final class VolumeRules {

  private VolumeRules() {}

  /**
   * Adds {@code calendar_baseline_days} (calendar days of the baseline window on or after {@code
   * first_seen}), {@code negative_stories_median}/{@code _z} and {@code documents_median}/{@code _z}.
   * Needs {@code first_seen}, {@code documents} and {@code negative_stories}.
   */
  public static Dataset<Row> apply(Dataset<Row> daily, AlertsConfig config) {
    Column calendarDays =
        greatest(lit(0), least(lit(config.baselineDays()), datediff(col("event_date"), col("first_seen"))));
    Dataset<Row> withDays = daily.withColumn("calendar_baseline_days", calendarDays);
    Dataset<Row> negative = robustZ(withDays, "negative_stories", config.negativeSurge().madFloor(), config);
    return robustZ(negative, "documents", config.volumeNegative().madFloor(), config);
  }

  /** {@code <value>_median} and {@code <value>_z} over the zero-filled baseline. */
  static Dataset<Row> robustZ(Dataset<Row> daily, String value, double madFloor, AlertsConfig config) {
    String list = "_" + value + "_baseline";
    Column observed = collect_list(col(value).cast("double")).over(AlertsTransforms.baseline(config));
    Column zeros = greatest(lit(0), col("calendar_baseline_days").minus(size(col(list))));
    String median = value + "_median";
    Dataset<Row> stats =
        daily
            .withColumn(list, observed)
            .withColumn(list, concat(col(list), array_repeat(lit(0.0), zeros.cast("int"))))
            .withColumn(median, AlertsTransforms.median(list))
            .withColumn("_mad", AlertsTransforms.median("transform(" + list + ", x -> abs(x - " + median + "))"));
    Column sigma = greatest(col("_mad").multiply(AlertsTransforms.MAD_TO_SIGMA), lit(madFloor));
    return stats.withColumn(value + "_z", col(value).minus(col(median)).divide(sigma)).drop(list, "_mad");
  }

  /** Volume floor and enough zero-filled history: the conditions of both volume rules. */
  static Column eligible(AlertsConfig config) {
    return col("documents").geq(config.minDocuments()).and(col("calendar_baseline_days").geq(config.minBaselineDays()));
  }
}
