package io.sentimentpipeline.jobs.alerts;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One-sided downward CUSUM of the daily mean score, for slides too slow for a one-day z and too
 * steady for the EWMA's window median to lag behind. Each day with documents contributes its own
 * robust z against its own trailing baseline (what was known that day), and S = max(0, S - z - k).
 *
 * <p>Reset rules: S starts at 0 at the start of the day's window (the day and its {@code
 * alerts.baseline-days} before), so the value of a day depends on that window only and a nightly
 * run computes what a backtest computes; a day without documents, or without a baseline (z null),
 * leaves S as it is; after a day that fires (S >= h on an eligible day) S restarts from 0, so a
 * continuing slide fires again only once it has accumulated h anew. A crossing on a day that may
 * not fire (volume floor, history) does not reset: S carries to the next eligible day.
 */
public final class CusumRule {

  private CusumRule() {}

  /**
   * Adds {@code mean_score_z} (the day's mean score in robust sigmas of its baseline) and {@code
   * mean_score_cusum} (S after the day). Needs {@code mean_score_median} and {@code mean_score_mad}
   * from {@link AlertsTransforms#ewma}.
   */
  public static Dataset<Row> apply(Dataset<Row> withEwma, AlertsConfig config) {
    AlertsConfig.Cusum rule = config.cusum();
    Column sigma = greatest(col("mean_score_mad").multiply(AlertsTransforms.MAD_TO_SIGMA), lit(rule.sigmaFloor()));
    String k = rule.k() + "D";
    String h = rule.h() + "D";
    String start = "IF(acc.alarm, 0D, acc.s)";
    String next = "IF(r.z IS NULL, " + start + ", greatest(0D, " + start + " - r.z - " + k + "))";
    return withEwma
        .withColumn("mean_score_z", col("mean_score").minus(col("mean_score_median")).divide(sigma))
        .withColumn(
            "_cusum_days",
            // Structs sort by their first field, the day number: the aggregate below needs day order.
            array_sort(
                collect_list(struct(AlertsTransforms.dayNumber().as("day"), col("mean_score_z").as("z"),
                        AlertsTransforms.eligible(config).as("ok")))
                    .over(AlertsTransforms.byDay().rangeBetween(-config.baselineDays(), 0))))
        .withColumn(
            "mean_score_cusum",
            expr(
                "aggregate(_cusum_days, named_struct('s', 0D, 'alarm', false),"
                    + " (acc, r) -> named_struct('s', " + next + ", 'alarm', r.ok AND " + next + " >= " + h + "),"
                    + " acc -> acc.s)"))
        .drop("_cusum_days");
  }
}
