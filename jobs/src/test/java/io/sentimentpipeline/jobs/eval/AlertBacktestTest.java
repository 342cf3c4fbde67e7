package io.sentimentpipeline.jobs.eval;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.Jobs;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.alerts.AlertsConfig;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.cli.PipelineCli;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import io.sentimentpipeline.jobs.cli.SessionFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The backtest on a constructed month: two tickers with quiet prices and one big move each, a
 * handful of alerts placed around them, a drops file, and daily volumes with one spike.
 */
class AlertBacktestTest extends SparkTestBase {

  private static final LocalDate FIRST = LocalDate.of(2015, 2, 1);
  private static final LocalDate LAST = LocalDate.of(2015, 3, 31);
  /** Friday; AAA moves +10 % on the 2nd trading day after it (Tuesday), BBB on the 3rd (Wednesday). */
  private static final LocalDate FRIDAY = LocalDate.of(2015, 2, 20);
  private static final LocalDate DROP_DAY = LocalDate.of(2015, 3, 10); // a Tuesday
  private static final LocalDate VOLUME_SPIKE = LocalDate.of(2015, 3, 20);

  private static final StructType DAILY =
      new StructType()
          .add("domain", DataTypes.StringType)
          .add("entity", DataTypes.StringType)
          .add("event_date", DataTypes.DateType)
          .add("documents", DataTypes.LongType);

  private static final StructType ALERTS =
      new StructType()
          .add("domain", DataTypes.StringType)
          .add("entity", DataTypes.StringType)
          .add("event_date", DataTypes.DateType)
          .add("rule", DataTypes.StringType);

  private static Path prices;
  private static Path drops;

  @BeforeAll
  static void buildInputs() throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("backtest-input"));
    prices = dir.resolve("prices.csv");
    drops = dir.resolve("drops.csv");
    List<String> priceLines = new ArrayList<>(List.of("ticker,date,open,high,low,close,adj_close,volume"));
    priceLines.addAll(priceRows("AAA", FRIDAY.plusDays(4)));
    priceLines.addAll(priceRows("BBB", FRIDAY.plusDays(5)));
    Files.write(prices, priceLines);
    Files.write(
        drops,
        List.of(
            "ticker,date,prev_trading_date,pct_change_adj_close,tweets_prev_trading_date,tweets_on_date",
            "AAA," + DROP_DAY + ",2015-03-09,-8.00,6,6",
            "BBB," + DROP_DAY + ",2015-03-09,-7.00,6,6",
            "AAA,2016-01-05,2016-01-04,-9.00,0,0")); // outside the span: not counted

    List<Row> daily = new ArrayList<>();
    for (LocalDate day = FIRST; !day.isAfter(LAST); day = day.plusDays(1)) {
      daily.add(RowFactory.create("news", "AAA", Date.valueOf(day), day.equals(VOLUME_SPIKE) ? 40L : 6L));
      daily.add(RowFactory.create("news", "BBB", Date.valueOf(day), 6L));
      daily.add(RowFactory.create("news", "WYNN", Date.valueOf(day), 6L)); // a cashtag with no prices
    }
    List<Row> alerts =
        List.of(
            alert("AAA", FRIDAY, "robust_z"), // followed by AAA's move on the 2nd trading day
            alert("BBB", FRIDAY, "robust_z"), // BBB's move comes on the 3rd: not followed
            alert("AAA", DROP_DAY.minusDays(1), "ewma"), // the day before AAA's drop: caught
            alert("BBB", DROP_DAY.minusDays(2), "robust_z"), // two days before BBB's drop: missed
            alert("WYNN", FRIDAY, "robust_z")); // not a priced ticker: left out
    Warehouse warehouse = new Warehouse(config().warehouse());
    spark.createDataFrame(daily, DAILY).write().format("delta").mode("overwrite").save(warehouse.location(TableName.ENTITY_DAILY));
    spark.createDataFrame(alerts, ALERTS).write().format("delta").mode("overwrite").save(warehouse.location(TableName.SENTIMENT_ALERTS));
  }

  /** Weekdays of the span at 100 moving +-0.5 % a day, and +10 % on {@code bigMove}. */
  private static List<String> priceRows(String ticker, LocalDate bigMove) {
    List<String> rows = new ArrayList<>();
    double price = 100;
    int i = 0;
    for (LocalDate day = FIRST; !day.isAfter(LAST); day = day.plusDays(1)) {
      if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
        continue;
      }
      price *= day.equals(bigMove) ? 1.10 : (i++ % 2 == 0 ? 1.005 : 0.995);
      rows.add(String.format("%s,%s,1,1,1,1,%.6f,1000", ticker, day, price));
    }
    return rows;
  }

  private static Row alert(String ticker, LocalDate day, String rule) {
    return RowFactory.create("news", ticker, Date.valueOf(day), rule);
  }

  private static AlertBacktest.Result backtest() {
    return Jobs.backtest(
        spark, config(), new AlertBacktest.Options(prices.toString(), drops.toString(), FIRST, LAST));
  }

  @Test
  void recallCountsAnAlertTheDayBeforeButNotTwoDaysBefore() {
    AlertBacktest.Result result = backtest();

    Map<String, List<String>> caughtBy =
        result.drops().stream().collect(Collectors.toMap(AlertBacktest.Drop::ticker, AlertBacktest.Drop::caughtBy));
    assertThat(caughtBy).as("drops in the span only, with the methods that caught them")
        .containsOnlyKeys("AAA", "BBB");
    assertThat(caughtBy.get("AAA")).as("alert the day before the drop").containsExactly("sentiment_rules", "sentiment_rules:ewma");
    assertThat(caughtBy.get("BBB")).as("alert two calendar days before the drop (a Sunday before a Tuesday)").isEmpty();

    AlertBacktest.Metrics sentiment = result.method(AlertBacktest.SENTIMENT);
    assertThat(sentiment.drops()).isEqualTo(2);
    assertThat(sentiment.dropsCaught()).isEqualTo(1);
    assertThat(sentiment.recall()).isEqualTo(0.5);
    assertThat(sentiment.dropsCaughtSincePrevTradingDay())
        .as("Sunday is before BBB's previous trading day (Monday) too").isEqualTo(1);
    assertThat(result.drops()).extracting(AlertBacktest.Drop::documents).containsOnly(6L);
  }

  @Test
  void precisionCountsABigMoveOnTheSecondTradingDayAcrossAWeekendButNotTheThird() {
    AlertBacktest.Result result = backtest();

    AlertBacktest.Metrics sentiment = result.method(AlertBacktest.SENTIMENT);
    assertThat(sentiment.alerts()).as("four priced alerts; WYNN has no prices").isEqualTo(4);
    assertThat(sentiment.alertsFollowedByMove()).as("only AAA's Friday alert").isEqualTo(1);
    assertThat(sentiment.precision()).isEqualTo(0.25);
    AlertBacktest.Metrics robustZ = result.method(AlertBacktest.SENTIMENT + ":robust_z");
    assertThat(robustZ.alerts()).isEqualTo(3);
    assertThat(robustZ.alertsFollowedByMove()).isEqualTo(1);
    assertThat(result.method(AlertBacktest.SENTIMENT + ":ewma").alertsFollowedByMove()).isZero();

    Dataset<Row> days = AlertBacktest.tradingDays(readPrices());
    Dataset<Row> outcomes =
        AlertBacktest.alertOutcomes(
            spark.createDataFrame(List.of(RowFactory.create("AAA", Date.valueOf(FRIDAY)), RowFactory.create("BBB", Date.valueOf(FRIDAY))),
                new StructType().add("ticker", DataTypes.StringType).add("event_date", DataTypes.DateType)),
            days);
    assertThat(outcomes.where(col("followed_by_move")).select("ticker").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .as("AAA moves on Tuesday (2nd trading day after Friday), BBB on Wednesday (3rd)").containsExactly("AAA");
    assertThat(days.where(col("big_move")).count()).as("one big move per ticker").isEqualTo(2);
  }

  @Test
  void volumeBaselineFiresOnASpikeAndNotOnAFlatSeries() {
    PipelineConfig config = config();
    Dataset<Row> daily = spark.read().format("delta").load(new Warehouse(config.warehouse()).location(TableName.ENTITY_DAILY));
    Dataset<Row> tickers = AlertBacktest.tradingDays(readPrices()).select("ticker").distinct();
    AlertsConfig alerts = config.alerts();

    List<Row> fired = AlertBacktest.volumeAlerts(daily, tickers, FIRST, LAST, alerts).collectAsList();

    assertThat(fired).as("AAA's spike only; BBB is flat, WYNN is not a priced ticker").hasSize(1);
    assertThat(fired.get(0).<String>getAs("ticker")).isEqualTo("AAA");
    assertThat(fired.get(0).<Date>getAs("event_date").toLocalDate()).isEqualTo(VOLUME_SPIKE);
    assertThat(fired.get(0).<Double>getAs("documents_median")).isEqualTo(6.0);

    AlertBacktest.Metrics volume = backtest().method(AlertBacktest.VOLUME);
    assertThat(volume.alerts()).isEqualTo(1);
    assertThat(volume.dropsCaught()).isZero();
    assertThat(volume.alertsFollowedByMove()).isZero();
  }

  @Test
  void volumeBaselineCountsMissingDaysAsZero() {
    // 6 documents every 3rd day: the zero days keep the median at 0, so 6 documents is a spike,
    // but only once 10 baseline days have documents.
    List<Row> sparse = new ArrayList<>();
    for (int d = 0; d < 60; d += 3) {
      sparse.add(RowFactory.create("news", "AAA", Date.valueOf(FIRST.plusDays(d)), 6L));
    }
    Dataset<Row> tickers = AlertBacktest.tradingDays(readPrices()).select("ticker").distinct();
    List<Row> fired =
        AlertBacktest.volumeAlerts(spark.createDataFrame(sparse, DAILY), tickers, FIRST, LAST, config().alerts()).collectAsList();
    assertThat(fired).as("fires from the day with 10 earlier days with documents within 30 days").isNotEmpty();
    assertThat(fired).allSatisfy(r -> assertThat(r.<Double>getAs("documents_median")).isEqualTo(0.0));
  }

  @Test
  void theCeilingCountsDropsWithDocumentsFromThePreviousTradingDayOn() {
    // Drop 1 (Tuesday): 3 documents on Monday only; drop 2 (Monday): 6 on the Saturday before; drop 3: none.
    LocalDate tuesday = DROP_DAY;
    LocalDate monday = DROP_DAY.plusDays(6);
    List<Row> daily =
        List.of(RowFactory.create("news", "AAA", Date.valueOf(tuesday.minusDays(1)), 3L),
            RowFactory.create("news", "AAA", Date.valueOf(tuesday.minusDays(2)), 50L), // Sunday before Monday: outside
            RowFactory.create("news", "BBB", Date.valueOf(monday.minusDays(2)), 6L),
            RowFactory.create("news", "AAA", Date.valueOf(monday), 0L));
    StructType dropSchema = new StructType().add("ticker", DataTypes.StringType).add("date", DataTypes.DateType).add("pct", DataTypes.DoubleType);
    Dataset<Row> dropRows =
        spark.createDataFrame(List.of(RowFactory.create("AAA", Date.valueOf(tuesday), -8.0),
            RowFactory.create("BBB", Date.valueOf(monday), -7.0), RowFactory.create("AAA", Date.valueOf(monday), -6.0)), dropSchema);
    AlertBacktest.Ceiling ceiling =
        AlertBacktest.ceiling(dropRows, spark.createDataFrame(daily, DAILY), AlertBacktest.tradingDays(readPrices()), 5);
    assertThat(ceiling).isEqualTo(new AlertBacktest.Ceiling(3, 2, 1, 5));
    assertThat(ceiling.line()).isEqualTo("ceiling drops=3 with_any_document=2 (0.667) with_min_documents_5=1 (0.333)");
  }

  @Test
  void aMissingCsvFailsNamingTheFile() {
    String missing = workDir.resolve("nowhere/prices.csv").toString();
    assertThatThrownBy(
            () -> Jobs.backtest(spark, config(), new AlertBacktest.Options(missing, drops.toString(), FIRST, LAST)))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("--prices")
        .hasMessageContaining(missing)
        .satisfies(e -> assertThat(((PipelineException) e).category()).isEqualTo(ErrorCategory.BAD_INPUT));

    StringWriter err = new StringWriter();
    CommandLine cli = PipelineCli.commandLine(new PipelineCli(sharedSession()));
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    int code =
        cli.execute("backtest-alerts", "--set", "warehouse=" + workDir.resolve("warehouse"), "--prices", prices.toString(),
            "--drops", missing);
    assertThat(code).as("bad input exit code").isEqualTo(65);
    assertThat(err.toString()).contains("--drops file " + missing);
  }

  @Test
  void theCommandPrintsOneLinePerMethodAndEachDrop() {
    StringWriter out = new StringWriter();
    CommandLine cli = PipelineCli.commandLine(new PipelineCli(sharedSession()));
    cli.setOut(new PrintWriter(out));
    int code =
        cli.execute("backtest-alerts", "--set", "warehouse=" + workDir.resolve("warehouse"), "--prices", prices.toString(),
            "--drops", drops.toString(), "--from", FIRST.toString(), "--to", LAST.toString(), "--output-dir",
            workDir.resolve("curves").toString());
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("ceiling drops=2 with_any_document=2 (1.000) with_min_documents_5=2 (1.000)")
        .as("the volume baseline's default point is what its metrics line says")
        .contains("curve method=volume_baseline default_threshold=3.50 alerts=1 recall=0.000 precision=0.000");
    assertThat(workDir.resolve("curves/pr-curves.svg")).content().contains("volume_baseline");
    assertThat(workDir.resolve("curves/pr-curves.csv")).content().contains("volume_baseline,3.5000,true,1,0");
    assertThat(workDir.resolve("curves/leads.csv")).exists();
    assertThat(out.toString())
        .contains("backtest method=sentiment_rules alerts=4 drops=2 recall=0.500 precision=0.250 hits=1 moves=1")
        .contains("backtest method=volume_baseline alerts=1 drops=2 recall=0.000 precision=0.000")
        .contains("drop caught ticker=AAA date=2015-03-10 pct=-8.00 documents=6 caught_by=sentiment_rules,sentiment_rules:ewma")
        .contains("drop missed ticker=BBB date=2015-03-10 pct=-7.00 documents=6 caught_by=-");
  }

  @Test
  void theStocknetConfTagsTweetsWithThePriceFileTickers() {
    Path conf = Path.of("../conf/benchmarks/stocknet.conf");
    if (!Files.exists(conf)) {
      conf = Path.of("conf/benchmarks/stocknet.conf"); // run from the repository root
    }
    PipelineConfig config = io.sentimentpipeline.jobs.cli.PipelineConfig.load(conf, List.of());
    io.sentimentpipeline.udfs.text.EntityExtractor extractor = config.entities().extractor();

    assertThat(config.entities().companies()).as("the StockNet companies only, not the demo ones").hasSize(88)
        .noneMatch(c -> c.ticker().equals("NVX"));
    assertThat(extractor.extract("$BRK.B and Berkshire Hathaway")).as("class shares -> prices ticker").contains("BRK-A");
    assertThat(extractor.extract("Shell $RDS.B slides")).contains("RDS-B");
    assertThat(extractor.extract("$GOOGL up")).contains("GOOG");
    assertThat(extractor.extract("AT&T and Verizon")).containsExactly("T", "VZ");
    assertThat(extractor.extract("Warren Buffett, the Oracle of Omaha, likes apple pie")).isEmpty();
    assertThat(config.sources()).extracting(s -> s.name()).containsExactly("phrasebank", "stocknet_tweets");
    assertThat(config.alerts().minDocuments()).isEqualTo(5);
    assertThat(config.alerts().baselineDays()).isEqualTo(30);
    assertThat(config.tokenize().tokenizer().maxLength()).isEqualTo(64);
  }

  private static Dataset<Row> readPrices() {
    return AlertBacktest.readCsv(spark, "--prices", prices.toString(), List.of("ticker", "date", "adj_close"))
        .select(col("ticker"), org.apache.spark.sql.functions.to_date(col("date")).as("date"),
            col("adj_close").cast("double").as("adj_close"));
  }

  private static SessionFactory sharedSession() {
    return new SessionFactory() {
      @Override
      public SparkSession open(PipelineConfig config) {
        return spark;
      }

      @Override
      public void release(SparkSession session) {}
    };
  }
}
