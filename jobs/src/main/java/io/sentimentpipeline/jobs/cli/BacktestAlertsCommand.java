package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.eval.AlertBacktest;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pipeline backtest-alerts}: the stored alerts against known drops and later price moves. */
@Command(
    name = "backtest-alerts",
    header = "Check the alerts against price drops, beside a tweet-volume baseline.",
    description = {
      "Check gold.sentiment_alerts (alerts.domain) against prices, beside a naive tweet-volume baseline.",
      "  recall     share of the --drops rows in [from, to] with an alert for the ticker on the drop's day",
      "             or the calendar day before (recall_prev_trading_day: any day since the previous trading day)",
      "  precision  share of alerts whose next two trading days include an adj_close move with |return|",
      "             above 2 standard deviations of the ticker's daily returns over the whole --prices file",
      "  volume_baseline  the alerts.robust-z rule on the daily document count of",
      "             gold.entity_daily_sentiment (days without documents count as 0)",
      "Prints one line per method, then each drop with the methods that caught it. Writes nothing.",
      "Example: pipeline backtest-alerts --conf conf/benchmarks/stocknet.conf \\",
      "  --prices ../shared/datasets/stocknet/prices.csv \\",
      "  --drops ../shared/datasets/stocknet/derived_largest_daily_drops.csv"
    })
final class BacktestAlertsCommand extends SparkCommand {

  @Option(names = "--prices", required = true, paramLabel = "CSV",
      description = "Daily prices with header columns ticker, date (YYYY-MM-DD), adj_close.")
  String prices;

  @Option(names = "--drops", required = true, paramLabel = "CSV",
      description = "Known drops with header columns ticker, date, pct_change_adj_close.")
  String drops;

  @Option(names = "--from", paramLabel = "YYYY-MM-DD",
      description = "First day (default: the first day of gold.entity_daily_sentiment).")
  LocalDate from;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD",
      description = "Last day (default: the last day of gold.entity_daily_sentiment).")
  LocalDate to;

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    AlertBacktest.Result result =
        AlertBacktest.run(spark, new Warehouse(config.warehouse()), config.alerts(), new AlertBacktest.Options(prices, drops, from, to));
    out().printf(
        "backtest domain=%s span=%s..%s move=|adj_close return| > %.1f sigma (whole price file), next 2 trading days%n",
        result.domain(), result.from(), result.to(), AlertBacktest.SIGMAS);
    result.methods().forEach(m -> out().println(m.line()));
    result.drops().forEach(d -> out().println(d.line()));
  }
}
