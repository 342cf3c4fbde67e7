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
      "  ceiling    drops with any document / with alerts.min-documents from the previous trading day on",
      "  curves     each rule and the baseline swept over its threshold (1/4 to 4 times the default):",
      "             --output-dir gets pr-curves.csv, pr-curves.svg and leads.csv",
      "  lead       per caught drop, days from the method's first alert within --lead-days before it",
      "Prints one line per method, the ceiling, the lead times, then each drop with the methods that caught it.",
      "Writes no table.",
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

  @Option(names = "--lead-days", paramLabel = "N", defaultValue = "5",
      description = "Calendar days before a drop in which a method's first alert sets the lead time (default: ${DEFAULT-VALUE}).")
  int leadDays;

  @Option(names = "--output-dir", paramLabel = "DIR",
      description = "Folder for pr-curves.csv, pr-curves.svg and leads.csv (default: none written).")
  String outputDir;

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    AlertBacktest.Result result =
        AlertBacktest.run(spark, new Warehouse(config.warehouse()), config.alerts(), new AlertBacktest.Options(prices, drops, from, to, leadDays, outputDir));
    out().printf(
        "backtest domain=%s span=%s..%s move=|adj_close return| > %.1f sigma (whole price file), next 2 trading days%n",
        result.domain(), result.from(), result.to(), AlertBacktest.SIGMAS);
    result.methods().forEach(m -> out().println(m.line()));
    out().println(result.ceiling().line());
    result.curves().stream().filter(p -> p.isDefault()).forEach(p -> out().printf(
        "curve method=%s default_threshold=%.2f alerts=%d recall=%.3f precision=%.3f%n", p.method(), p.threshold(), p.alerts(),
        p.recall(), p.precision()));
    java.util.Map<String, java.util.List<Integer>> leads = new java.util.LinkedHashMap<>();
    result.leads().forEach(l -> leads.computeIfAbsent(l.method(), k -> new java.util.ArrayList<>()).add(l.days()));
    leads.forEach((method, days) -> out().printf("lead method=%s caught=%d mean_days=%.2f same_day=%d day_before=%d earlier=%d%n",
        method, days.size(), days.stream().mapToInt(Integer::intValue).average().orElse(Double.NaN),
        days.stream().filter(d -> d == 0).count(), days.stream().filter(d -> d == 1).count(), days.stream().filter(d -> d > 1).count()));
    result.leads().forEach(l -> out().printf("lead method=%s drop=%s days=%d%n", l.method(), l.drop(), l.days()));
    if (outputDir != null) {
      out().println("curves written to " + java.nio.file.Path.of(outputDir).toAbsolutePath() + " (pr-curves.csv, pr-curves.svg, leads.csv)");
    }
    result.drops().forEach(d -> out().println(d.line()));
  }
}
