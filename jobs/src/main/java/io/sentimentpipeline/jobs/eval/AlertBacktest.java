package io.sentimentpipeline.jobs.eval;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.alerts.AlertsConfig;
import io.sentimentpipeline.jobs.alerts.AlertsTransforms;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the stored alerts against what the market did, so a threshold change can be judged on
 * outcomes rather than on alert counts (issue 4, item 6). Reads {@code gold.sentiment_alerts} and
 * {@code gold.entity_daily_sentiment} of the configured domain, a daily price file and a list of
 * known large drops; writes nothing.
 *
 * <p>Definitions (each method's alerts are its distinct (ticker, day) pairs; alerts on entities
 * that are not tickers of the price file cannot be checked and are left out):
 *
 * <ul>
 *   <li><b>recall</b>: share of the drops in [from, to] with an alert for the ticker on the drop's
 *       day or the calendar day before; {@code recall_prev_trading_day} widens "the day before" to
 *       every calendar day since the previous trading day (a Monday drop counts weekend alerts).
 *   <li><b>precision</b>: share of alerts whose next two trading days (strictly after the alert's
 *       day, whether or not that day traded) include a close-to-close {@code adj_close} move with
 *       |return| above {@value #SIGMAS} standard deviations of the ticker's daily returns, the
 *       standard deviation taken over the <em>whole price file</em> (more data than the backtest
 *       span, and the same yardstick whatever span is backtested).
 *   <li><b>volume baseline</b>: the robust-z rule of {@code alerts.robust-z} applied to the daily
 *       document count instead of the negative share, with the same baseline days, history
 *       requirement, MAD floor and volume floor. A priced ticker's days without a row in {@code
 *       gold.entity_daily_sentiment} count as 0 documents (a quiet day is an observation of volume),
 *       from the domain's first day with any document on (before it nothing was collected); the
 *       history requirement still counts only baseline days that had documents, as the
 *       sentiment rules do.
 * </ul>
 */
public final class AlertBacktest {

  private static final Logger LOG = LoggerFactory.getLogger(AlertBacktest.class);

  /** A move counts when |return| exceeds this many standard deviations. */
  public static final double SIGMAS = 2.0;

  public static final String SENTIMENT = "sentiment_rules";
  public static final String VOLUME = "volume_baseline";

  private static final List<String> PRICE_COLUMNS = List.of("ticker", "date", "adj_close");
  private static final List<String> DROP_COLUMNS = List.of("ticker", "date", "pct_change_adj_close");

  private AlertBacktest() {}

  /**
   * Input files and the span; a null {@code from}/{@code to} means the daily table's first/last day.
   * {@code leadDays}: how far before a drop the lead time looks for a method's first alert; {@code
   * outputDir}: where the curves go ({@code pr-curves.csv}, {@code pr-curves.svg}, {@code
   * leads.csv}), null = nowhere.
   */
  public record Options(String prices, String drops, LocalDate from, LocalDate to, int leadDays, String outputDir) {
    public Options {
      if (leadDays < BacktestCurves.CATCH_DAYS) {
        throw new PipelineException(ErrorCategory.USAGE_OR_CONFIG, "backtest-alerts: --lead-days must be at least "
            + BacktestCurves.CATCH_DAYS + ", got " + leadDays);
      }
    }

    public Options(String prices, String drops, LocalDate from, LocalDate to) {
      this(prices, drops, from, to, 5, null);
    }
  }

  /**
   * What any method could catch: of the {@code drops}, those with at least one document ({@code
   * withAnyDocument}) and with {@code floor} documents or more ({@code withFloor}) on one day from
   * the ticker's previous trading day to the drop's day (the wider recall window).
   */
  public record Ceiling(long drops, long withAnyDocument, long withFloor, int floor) {
    public String line() {
      return String.format("ceiling drops=%d with_any_document=%d (%.3f) with_min_documents_%d=%d (%.3f)", drops,
          withAnyDocument, drops == 0 ? Double.NaN : (double) withAnyDocument / drops, floor, withFloor,
          drops == 0 ? Double.NaN : (double) withFloor / drops);
    }
  }

  /** One method's outcome. */
  public record Metrics(
      String method, long alerts, long drops, long dropsCaught, long dropsCaughtSincePrevTradingDay, long alertsFollowedByMove) {

    public double recall() {
      return ratio(dropsCaught, drops);
    }

    public double recallSincePrevTradingDay() {
      return ratio(dropsCaughtSincePrevTradingDay, drops);
    }

    public double precision() {
      return ratio(alertsFollowedByMove, alerts);
    }

    /** The report line, e.g. {@code backtest method=volume_baseline alerts=40 drops=50 recall=0.100 ...}. */
    public String line() {
      return String.format(
          "backtest method=%s alerts=%d drops=%d recall=%.3f precision=%.3f hits=%d moves=%d"
              + " recall_prev_trading_day=%.3f hits_prev_trading_day=%d",
          method, alerts, drops, recall(), precision(), dropsCaught, alertsFollowedByMove,
          recallSincePrevTradingDay(), dropsCaughtSincePrevTradingDay);
    }

    private static double ratio(long part, long whole) {
      return whole == 0 ? Double.NaN : (double) part / whole;
    }
  }

  /** One drop of the drops file and the methods that caught it (alert on the day or the day before). */
  public record Drop(String ticker, LocalDate date, double pct, long documents, List<String> caughtBy) {

    public String line() {
      return String.format(
          "drop %s ticker=%s date=%s pct=%.2f documents=%d caught_by=%s",
          caughtBy.isEmpty() ? "missed" : "caught", ticker, date, pct, documents,
          caughtBy.isEmpty() ? "-" : String.join(",", caughtBy));
    }
  }

  /** Everything one backtest found: the span, one {@link Metrics} per method, the drops listed. */
  public record Result(
      String domain, LocalDate from, LocalDate to, List<Metrics> methods, List<Drop> drops, Ceiling ceiling,
      List<BacktestCurves.Point> curves, List<BacktestCurves.Lead> leads) {

    public Metrics method(String name) {
      return methods.stream().filter(m -> m.method().equals(name)).findFirst().orElseThrow();
    }
  }

  public static Result run(SparkSession spark, Warehouse warehouse, AlertsConfig alerts, Options options) {
    String domain = alerts.domain().key();
    spark.sparkContext().setJobDescription("backtest-alerts " + domain);
    Dataset<Row> prices = readCsv(spark, "--prices", options.prices(), PRICE_COLUMNS)
        .select(col("ticker"), to_date(col("date")).as("date"), col("adj_close").cast("double").as("adj_close"));
    Dataset<Row> dropsFile = readCsv(spark, "--drops", options.drops(), DROP_COLUMNS)
        .select(col("ticker"), to_date(col("date")).as("date"), col("pct_change_adj_close").cast("double").as("pct"));
    Dataset<Row> daily = readTable(spark, warehouse, TableName.ENTITY_DAILY).where(col("domain").equalTo(domain));
    Dataset<Row> stored = readTable(spark, warehouse, TableName.SENTIMENT_ALERTS).where(col("domain").equalTo(domain));

    LocalDate[] span = span(daily, options, domain);
    LocalDate from = span[0];
    LocalDate to = span[1];
    Dataset<Row> days = tradingDays(prices).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> tickers = days.select("ticker").distinct();
      Dataset<Row> drops = dropsFile.where(col("date").between(sqlDate(from), sqlDate(to)));
      Dataset<Row> ruleAlerts =
          stored
              .where(col("event_date").between(sqlDate(from), sqlDate(to)))
              .select(col("entity").as("ticker"), col("event_date"), col("rule"))
              .join(tickers, seq("ticker"), "left_semi");

      Map<String, Dataset<Row>> methods = new LinkedHashMap<>();
      methods.put(SENTIMENT, ruleAlerts.select("ticker", "event_date").distinct());
      for (AlertsTransforms.Rule rule : AlertsTransforms.rules(alerts)) {
        methods.put(SENTIMENT + ":" + rule.name(),
            ruleAlerts.where(col("rule").equalTo(rule.name())).select("ticker", "event_date").distinct());
      }
      methods.put(VOLUME, volumeAlerts(daily, tickers, from, to, alerts).select("ticker", "event_date"));

      List<Metrics> metrics = new ArrayList<>();
      Map<String, List<String>> caughtBy = new LinkedHashMap<>();
      long dropCount = drops.count();
      for (Map.Entry<String, Dataset<Row>> method : methods.entrySet()) {
        Dataset<Row> outcomes = alertOutcomes(method.getValue(), days);
        Row alertCounts = outcomes.agg(count(lit(1)), sum(when(col("followed_by_move"), 1).otherwise(0))).first();
        Dataset<Row> dropHits = dropOutcomes(drops, method.getValue(), days);
        long caught = 0;
        long caughtWide = 0;
        for (Row row : dropHits.collectAsList()) { // one row per drop of the (small) drops file
          String key = row.getAs("ticker") + " " + row.getAs("date");
          caughtBy.computeIfAbsent(key, k -> new ArrayList<>());
          if (row.<Boolean>getAs("caught")) {
            caught++;
            caughtBy.get(key).add(method.getKey());
          }
          if (row.<Boolean>getAs("caught_since_prev_trading_day")) {
            caughtWide++;
          }
        }
        metrics.add(
            new Metrics(method.getKey(), alertCounts.getLong(0), dropCount, caught, caughtWide,
                alertCounts.isNullAt(1) ? 0 : alertCounts.getLong(1)));
      }

      List<Drop> listed = new ArrayList<>();
      Dataset<Row> withDocuments =
          drops.join(
                  daily.select(col("entity").as("ticker"), col("event_date").as("date"), col("documents")),
                  seq("ticker", "date"), "left")
              .orderBy("pct", "ticker", "date");
      for (Row row : withDocuments.collectAsList()) {
        LocalDate date = row.<java.sql.Date>getAs("date").toLocalDate();
        String ticker = row.getAs("ticker");
        List<String> by = caughtBy.getOrDefault(ticker + " " + row.getAs("date"), List.of());
        Object documents = row.getAs("documents");
        listed.add(new Drop(ticker, date, row.<Double>getAs("pct"), documents == null ? 0 : ((Number) documents).longValue(),
            List.copyOf(new TreeSet<>(by))));
      }
      Ceiling ceiling = ceiling(drops, daily, days, alerts.minDocuments());
      List<BacktestCurves.Point> curves = new ArrayList<>();
      List<BacktestCurves.Lead> leads = new ArrayList<>();
      sweep(daily, tickers, drops, days, from, to, alerts, options.leadDays(), dropCount, curves, leads);
      Result result = new Result(domain, from, to, List.copyOf(metrics), List.copyOf(listed), ceiling, List.copyOf(curves), List.copyOf(leads));
      metrics.forEach(m -> LOG.info("{}", m.line()));
      if (options.outputDir() != null) {
        writeCurves(java.nio.file.Path.of(options.outputDir()), result, alerts);
      }
      return result;
    } finally {
      days.unpersist();
    }
  }

  /**
   * Every method's candidates (each priced ticker-day in [from, to] it could fire on, with its
   * score: the rule's statistic from {@code gold.entity_daily_sentiment}, or the volume baseline's
   * z), swept over thresholds into {@code curves}, and the lead times at the default thresholds
   * into {@code leads}. Rules whose statistics the daily table lacks (written before they existed)
   * are left out with a warning.
   */
  private static void sweep(
      Dataset<Row> daily, Dataset<Row> tickers, Dataset<Row> drops, Dataset<Row> days, LocalDate from, LocalDate to,
      AlertsConfig alerts, int leadDays, long dropCount, List<BacktestCurves.Point> curves, List<BacktestCurves.Lead> leads) {
    Map<String, Double> defaults = new LinkedHashMap<>();
    Dataset<Row> scored =
        volumeScores(daily, tickers, from, to, alerts)
            .where(col("documents_z").isNotNull())
            .select(col("ticker"), col("event_date"), lit(VOLUME).as("method"), col("documents_z").as("score"));
    if (Arrays.asList(daily.columns()).contains("mean_score_cusum")) {
      for (AlertsTransforms.Rule rule : AlertsTransforms.rules(alerts)) {
        defaults.put(SENTIMENT + ":" + rule.name(), rule.threshold());
      }
      scored =
          AlertsTransforms.candidates(daily, alerts)
              .select(col("entity").as("ticker"), col("event_date"), concat(lit(SENTIMENT + ":"), col("rule")).as("method"), col("score"))
              .join(tickers, seq("ticker"), "left_semi")
              .where(col("event_date").between(sqlDate(from), sqlDate(to)))
              .unionByName(scored);
    } else {
      LOG.warn("backtest-alerts: {} lacks the statistics of the newer rules; rerun `pipeline alerts` over the span for their curves",
          TableName.ENTITY_DAILY);
    }
    defaults.put(VOLUME, alerts.robustZ().threshold());
    scored = scored.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> followed = alertOutcomes(scored.select("ticker", "event_date").distinct(), days);
      Map<String, List<BacktestCurves.Scored>> byMethod = new LinkedHashMap<>();
      defaults.keySet().forEach(m -> byMethod.put(m, new ArrayList<>()));
      for (Row row : scored.join(followed, seq("ticker", "event_date")).select("method", "score", "followed_by_move").collectAsList()) {
        byMethod.get(row.getString(0)).add(new BacktestCurves.Scored(row.getDouble(1), row.getBoolean(2)));
      }
      Dataset<Row> candidates = scored.select(col("ticker").as("_ticker"), col("event_date"), col("method"), col("score"));
      Column runUp =
          col("ticker").equalTo(col("_ticker"))
              .and(col("event_date").between(date_sub(col("date"), leadDays), col("date")));
      Map<String, List<BacktestCurves.RunUp>> runUps = new LinkedHashMap<>();
      defaults.keySet().forEach(m -> runUps.put(m, new ArrayList<>()));
      for (Row row : drops.join(candidates, runUp)
          .select(col("method"), concat(col("ticker"), lit(" "), col("date").cast("string")), datediff(col("date"), col("event_date")), col("score"))
          .collectAsList()) {
        runUps.get(row.getString(0)).add(new BacktestCurves.RunUp(row.getString(1), row.getInt(2), row.getDouble(3)));
      }
      for (Map.Entry<String, Double> method : defaults.entrySet()) {
        String name = method.getKey();
        curves.addAll(BacktestCurves.curve(name, byMethod.get(name), runUps.get(name), dropCount,
            BacktestCurves.thresholds(method.getValue()), method.getValue()));
        leads.addAll(BacktestCurves.leads(name, runUps.get(name), method.getValue()));
      }
    } finally {
      scored.unpersist();
    }
  }

  /** {@link Ceiling}: the drops' most documents on one day from the previous trading day to the drop's day. */
  static Ceiling ceiling(Dataset<Row> drops, Dataset<Row> daily, Dataset<Row> tradingDays, int floor) {
    Dataset<Row> volume = daily.select(col("entity").as("_ticker"), col("event_date").as("_day"), col("documents"));
    Row counts =
        withRunUpStart(drops, tradingDays)
            .join(volume, col("ticker").equalTo(col("_ticker")).and(col("_day").between(col("_since"), col("date"))), "left")
            .groupBy("ticker", "date")
            .agg(coalesce(max("documents"), lit(0L)).as("most"))
            .agg(count(lit(1)), sum(when(col("most").gt(0), 1).otherwise(0)), sum(when(col("most").geq(floor), 1).otherwise(0)))
            .first();
    return new Ceiling(counts.getLong(0), counts.isNullAt(1) ? 0 : counts.getLong(1), counts.isNullAt(2) ? 0 : counts.getLong(2), floor);
  }

  /** Writes pr-curves.csv, pr-curves.svg and leads.csv into {@code dir}. */
  private static void writeCurves(java.nio.file.Path dir, Result result, AlertsConfig alerts) {
    try {
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.writeString(dir.resolve("pr-curves.csv"), BacktestCurves.csv(result.curves()));
      Ceiling c = result.ceiling();
      Map<String, Double> ceilings = new LinkedHashMap<>();
      if (c.drops() > 0) {
        ceilings.put("ceiling: any document", (double) c.withAnyDocument() / c.drops());
        ceilings.put("ceiling: >= " + c.floor() + " documents", (double) c.withFloor() / c.drops());
      }
      String title = "Alerts vs the " + c.drops() + " drops, " + result.from() + ".." + result.to() + " (" + result.domain() + ")";
      java.nio.file.Files.writeString(dir.resolve("pr-curves.svg"), BacktestCurves.svg(title, result.curves(), ceilings));
      StringBuilder leads = new StringBuilder("method,drop_ticker,drop_date,lead_days\n");
      result.leads().forEach(l -> leads.append(l.method()).append(',').append(l.drop().replace(' ', ',')).append(',').append(l.days()).append('\n'));
      java.nio.file.Files.writeString(dir.resolve("leads.csv"), leads);
    } catch (IOException e) {
      throw new PipelineException(ErrorCategory.BAD_INPUT, "backtest-alerts: cannot write the curves to --output-dir " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Drops with {@code _day_before} and {@code _since}: the earlier of the previous trading day and the day before. */
  private static Dataset<Row> withRunUpStart(Dataset<Row> drops, Dataset<Row> tradingDays) {
    return drops.join(tradingDays.select("ticker", "date", "prev_date"), seq("ticker", "date"), "left")
        .withColumn("_day_before", date_sub(col("date"), 1))
        .withColumn("_since", least(coalesce(col("prev_date"), col("_day_before")), col("_day_before")));
  }

  /**
   * Prices ({@code ticker, date, adj_close}) to trading days with {@code prev_date}, {@code ret}
   * (close-to-close return of adj_close), {@code sigma} (sample standard deviation of the ticker's
   * returns over all its rows) and {@code big_move} (|ret| above {@value #SIGMAS} sigma). Rows
   * without a price are dropped, so a gap in the file is bridged by the next priced day.
   */
  public static Dataset<Row> tradingDays(Dataset<Row> prices) {
    WindowSpec byDate = Window.partitionBy("ticker").orderBy("date");
    Dataset<Row> returns =
        prices
            .where(col("adj_close").isNotNull().and(col("date").isNotNull()))
            .withColumn("prev_date", lag(col("date"), 1).over(byDate))
            .withColumn("ret", col("adj_close").divide(lag(col("adj_close"), 1).over(byDate)).minus(1));
    return returns
        .withColumn("sigma", stddev_samp(col("ret")).over(Window.partitionBy("ticker")))
        .withColumn("big_move", coalesce(abs(col("ret")).gt(col("sigma").multiply(SIGMAS)), lit(false)));
  }

  /**
   * Alerts ({@code ticker, event_date}, distinct) with {@code followed_by_move}: whether one of the
   * two trading days after the alert's day had a big move (false when the price file has none).
   */
  public static Dataset<Row> alertOutcomes(Dataset<Row> alerts, Dataset<Row> tradingDays) {
    Dataset<Row> days = tradingDays.select(col("ticker").as("_ticker"), col("date").as("_date"), col("big_move"));
    // Two trading days always fall within two weeks of the alert; the bound keeps the join small.
    Column next =
        col("ticker").equalTo(col("_ticker"))
            .and(col("_date").gt(col("event_date")))
            .and(col("_date").leq(date_add(col("event_date"), 14)));
    Dataset<Row> followed =
        alerts
            .join(days, next)
            .withColumn("_nth", row_number().over(Window.partitionBy("ticker", "event_date").orderBy("_date")))
            .where(col("_nth").leq(2))
            .groupBy("ticker", "event_date")
            .agg(max(col("big_move")).as("followed_by_move"));
    return alerts
        .join(followed, seq("ticker", "event_date"), "left")
        .withColumn("followed_by_move", coalesce(col("followed_by_move"), lit(false)));
  }

  /**
   * Drops ({@code ticker, date, pct}) with {@code caught} (an alert for the ticker on the drop's
   * day or the calendar day before) and {@code caught_since_prev_trading_day} (an alert on any day
   * from the ticker's previous trading day up to the drop's day).
   */
  public static Dataset<Row> dropOutcomes(Dataset<Row> drops, Dataset<Row> alerts, Dataset<Row> tradingDays) {
    Dataset<Row> withPrev = withRunUpStart(drops, tradingDays);
    Dataset<Row> candidates = alerts.select(col("ticker").as("_ticker"), col("event_date").as("_alert_date"));
    Column near =
        col("ticker").equalTo(col("_ticker"))
            .and(col("_alert_date").between(col("_since"), col("date")));
    return withPrev
        .join(candidates, near, "left")
        .groupBy("ticker", "date", "pct")
        .agg(
            max(coalesce(col("_alert_date").geq(col("_day_before")), lit(false))).as("caught"),
            max(col("_alert_date").isNotNull()).as("caught_since_prev_trading_day"));
  }

  /**
   * The naive baseline: for each ticker of {@code tickers} with documents in {@code daily}, the
   * robust-z rule on the daily document count over every calendar day of [from - baselineDays, to]
   * (missing days = 0 documents), but not before the first day of {@code daily}: earlier days were
   * not observed. Returns the fired days in [from, to]: {@code ticker, event_date,
   * documents, documents_median, documents_z}.
   */
  public static Dataset<Row> volumeAlerts(
      Dataset<Row> daily, Dataset<Row> tickers, LocalDate from, LocalDate to, AlertsConfig config) {
    return volumeScores(daily, tickers, from, to, config).where(col("documents_z").geq(config.robustZ().threshold()));
  }

  /** {@link #volumeAlerts} before the threshold: every day in [from, to] the baseline could fire on. */
  static Dataset<Row> volumeScores(
      Dataset<Row> daily, Dataset<Row> tickers, LocalDate from, LocalDate to, AlertsConfig config) {
    AlertsConfig.RobustZ rule = config.robustZ();
    Dataset<Row> volume = daily.select(col("entity").as("ticker"), col("event_date"), col("documents"));
    // Days before the domain's first document are unobserved, not quiet: the grid starts there at
    // the earliest, or the start of the data would look like a volume surge.
    Column gridStart = greatest(sqlDate(from.minusDays(config.baselineDays())), col("_first"));
    Dataset<Row> grid =
        volume.select("ticker").distinct()
            .join(tickers, seq("ticker"), "left_semi")
            .crossJoin(volume.agg(min("event_date").as("_first")))
            .withColumn("event_date", explode(sequence(gridStart, sqlDate(to))))
            .drop("_first");
    WindowSpec baseline =
        Window.partitionBy("ticker")
            .orderBy(datediff(col("event_date"), sqlDate(LocalDate.EPOCH)))
            .rangeBetween(-config.baselineDays(), -1);
    Dataset<Row> stats =
        grid.join(volume, seq("ticker", "event_date"), "left")
            .withColumn("documents", coalesce(col("documents"), lit(0L)).cast("long"))
            .withColumn("_baseline", collect_list("documents").over(baseline))
            .withColumn("baseline_days", size(expr("filter(_baseline, x -> x > 0)")))
            .withColumn("documents_median", AlertsTransforms.median("_baseline"))
            .withColumn("_mad", AlertsTransforms.median("transform(_baseline, x -> abs(x - documents_median))"));
    Column sigma = greatest(col("_mad").multiply(AlertsTransforms.MAD_TO_SIGMA), lit(rule.madFloor()));
    Column z = col("documents").minus(col("documents_median")).divide(sigma);
    return stats
        .withColumn("documents_z", z)
        .where(
            col("event_date").between(sqlDate(from), sqlDate(to))
                .and(col("documents").geq(config.minDocuments()))
                .and(col("baseline_days").geq(config.minBaselineDays())))
        .select("ticker", "event_date", "documents", "documents_median", "documents_z");
  }

  /** [from, to] from the options, else the first and last day of the domain's daily rows. */
  private static LocalDate[] span(Dataset<Row> daily, Options options, String domain) {
    LocalDate from = options.from();
    LocalDate to = options.to();
    if (from == null || to == null) {
      Row bounds = daily.agg(min("event_date"), max("event_date")).first();
      if (bounds.isNullAt(0)) {
        throw new PipelineException(
            ErrorCategory.BAD_INPUT,
            "backtest-alerts: " + TableName.ENTITY_DAILY + " has no " + domain + " rows; run `pipeline alerts --from A --to B` first");
      }
      from = from != null ? from : bounds.getDate(0).toLocalDate();
      to = to != null ? to : bounds.getDate(1).toLocalDate();
    }
    if (from.isAfter(to)) {
      throw new PipelineException(ErrorCategory.USAGE_OR_CONFIG, "backtest-alerts: --from " + from + " is after --to " + to);
    }
    return new LocalDate[] {from, to};
  }

  /** A CSV with a header, read as strings; fails naming the file when it is missing or lacks a column. */
  static Dataset<Row> readCsv(SparkSession spark, String option, String path, List<String> required) {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path);
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.isFile(file)) {
        throw new PipelineException(
            ErrorCategory.BAD_INPUT, "Cannot read " + option + " file " + path + ": it does not exist or is not a file");
      }
    } catch (IOException e) {
      throw new PipelineException(ErrorCategory.BAD_INPUT, "Cannot read " + option + " file " + path + ": " + e.getMessage(), e);
    }
    Dataset<Row> rows = spark.read().option("header", "true").option("nullValue", "null").csv(path);
    List<String> missing = required.stream().filter(c -> !Arrays.asList(rows.columns()).contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new PipelineException(
          ErrorCategory.BAD_INPUT,
          "Cannot read " + option + " file " + path + ": its header lacks " + missing + " (found " + Arrays.toString(rows.columns())
              + "); expected a CSV with a header row holding " + required);
    }
    return rows;
  }

  private static Dataset<Row> readTable(SparkSession spark, Warehouse warehouse, TableName table) {
    if (!warehouse.exists(spark, table)) {
      throw new PipelineException(
          ErrorCategory.BAD_INPUT, table + " does not exist under " + warehouse.root() + ": run `pipeline alerts --from A --to B` first");
    }
    return warehouse.read(spark, table);
  }

  private static Column sqlDate(LocalDate date) {
    return lit(java.sql.Date.valueOf(date));
  }

  private static scala.collection.Seq<String> seq(String... columns) {
    return scala.collection.JavaConverters.asScalaBuffer(List.of(columns)).toSeq();
  }
}
