package io.sentimentpipeline.jobs.alerts;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sentimentpipeline.jobs.Jobs;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.cli.PipelineCli;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import io.sentimentpipeline.jobs.cli.SessionFactory;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.jobs.score.ScoreJob;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The job end to end on small hand-built gold.sentiment_scores, silver.documents and ml.models
 * tables: two tickers over 51 days, NVX surging on the last day, ACM quiet; model version 2 is the
 * champion and version 1's (all positive) scores must be ignored.
 */
class AlertsJobTest extends SparkTestBase {

  private static final LocalDate FIRST = LocalDate.of(2026, 10, 1);
  private static final LocalDate SURGE = LocalDate.of(2026, 11, 20);

  private static final StructType SCORES = ScoreJob.SCHEMA;

  private static final StructType DOCUMENTS =
      new StructType()
          .add("doc_id", DataTypes.StringType)
          .add("domain", DataTypes.StringType)
          .add("source", DataTypes.StringType)
          .add("title", DataTypes.StringType)
          .add("text", DataTypes.StringType)
          .add("event_date", DataTypes.DateType)
          .add("entities", DataTypes.createArrayType(DataTypes.StringType));

  @BeforeAll
  static void buildInputs() {
    List<Row> scores = new ArrayList<>();
    List<Row> documents = new ArrayList<>();
    for (LocalDate day = FIRST; !day.isAfter(SURGE); day = day.plusDays(1)) {
      int d = (int) (day.toEpochDay() - FIRST.toEpochDay());
      for (String ticker : List.of("NVX", "ACM")) {
        boolean surge = ticker.equals("NVX") && day.equals(SURGE);
        int docs = surge ? 20 : 8;
        for (int i = 0; i < docs; i++) {
          boolean negative = surge ? i < 16 : (i + d) % 5 == 0;
          String id = ticker + "-" + day + "-" + i;
          double score = negative ? -0.5 - i * 0.01 : 0.6;
          scores.add(score(id, day, ticker, negative ? "negative" : "positive", score, 2));
          scores.add(score(id, day, ticker, "positive", 0.9, 1));
          documents.add(
              RowFactory.create(id, "news", "wire", ticker + " headline " + i, ticker + " story " + i + " on " + day,
                  Date.valueOf(day), seq(List.of(ticker))));
        }
      }
    }
    Warehouse warehouse = new Warehouse(config().warehouse());
    spark.createDataFrame(scores, SCORES).write().format("delta").partitionBy("event_date")
        .save(warehouse.location(TableName.SENTIMENT_SCORES));
    spark.createDataFrame(documents, DOCUMENTS).write().format("delta").partitionBy("domain")
        .save(warehouse.location(TableName.DOCUMENTS));
    StructType models =
        new StructType().add("model_name", DataTypes.StringType).add("version", DataTypes.IntegerType)
            .add("domain", DataTypes.StringType).add("val_macro_f1", DataTypes.DoubleType).add("status", DataTypes.StringType);
    spark.createDataFrame(
            List.of(RowFactory.create("news-sentiment", 1, "news", 0.7, ModelRegistry.RETIRED),
                RowFactory.create("news-sentiment", 2, "news", 0.8, ModelRegistry.CHAMPION)),
            models)
        .write().format("delta").save(warehouse.location(ModelRegistry.MODELS));
  }

  private static Row score(String id, LocalDate day, String ticker, String label, double score, int version) {
    double pNegative = score < 0 ? -score : 0.05;
    return RowFactory.create(
        id, "news", "wire", Date.valueOf(day), seq(List.of(ticker)), label, pNegative, null, pNegative + score, score,
        0.8, "news-sentiment", version, Timestamp.valueOf("2026-11-21 02:00:00"));
  }

  private static scala.collection.Seq<String> seq(List<String> values) {
    return scala.collection.JavaConverters.asScalaBuffer(values).toSeq();
  }

  /** Each test starts without the output tables and files. */
  @BeforeEach
  void dropOutputs() throws Exception {
    Warehouse warehouse = new Warehouse(config().warehouse());
    for (TableName table : List.of(TableName.ENTITY_DAILY, TableName.SENTIMENT_ALERTS)) {
      spark.sql("DROP TABLE IF EXISTS " + table.sql());
      FileUtils.deleteDirectory(new java.io.File(warehouse.location(table)));
    }
    FileUtils.deleteDirectory(outputDir().toFile());
  }

  private static Path outputDir() {
    return workDir.resolve("alerts-out");
  }

  private static PipelineConfig alertsConfig(String... overrides) {
    List<String> all = new ArrayList<>(List.of("alerts.output-dir=" + outputDir()));
    all.addAll(Arrays.asList(overrides));
    return config(all.toArray(String[]::new));
  }

  private static Dataset<Row> stored(TableName table) {
    return spark.read().format("delta").load(new Warehouse(config().warehouse()).location(table));
  }

  /** Every row as text, sorted: equal lists mean equal tables. */
  private static List<String> snapshot(TableName table) {
    return stored(table).toJSON().collectAsList().stream().sorted().toList();
  }

  @Test
  void aNightlyRunStoresTheDayAndItsAlertsFromTheChampionsScores() throws Exception {
    AlertsJob.Result result = Jobs.alerts(spark, alertsConfig(), SURGE, SURGE, "nightly-1");

    assertThat(result.modelVersion()).as("champion in ml.models").isEqualTo(2);
    assertThat(result.entityDays()).isEqualTo(2);
    assertThat(result.alertsByRule()).containsKey(AlertsTransforms.ROBUST_Z);
    assertThat(result.webhook().outcome()).isEqualTo(AlertsOutput.WebhookOutcome.OFF);

    Row nvx = stored(TableName.ENTITY_DAILY).where(col("entity").equalTo("NVX")).first();
    assertThat(nvx.<Long>getAs("documents")).as("version 1 rows ignored").isEqualTo(20L);
    assertThat(nvx.<Double>getAs("negative_share")).isEqualTo(0.8);
    assertThat(nvx.<Integer>getAs("baseline_days")).isEqualTo(30);
    assertThat(stored(TableName.ENTITY_DAILY).select("event_date").distinct().count()).as("only the run date").isEqualTo(1);

    List<Row> alerts = stored(TableName.SENTIMENT_ALERTS).collectAsList();
    assertThat(alerts).extracting(r -> r.<String>getAs("entity")).containsOnly("NVX");
    assertThat(alerts).extracting(r -> r.<String>getAs("run_id")).containsOnly("nightly-1");
    assertThat(alerts).extracting(r -> r.<Integer>getAs("model_version")).containsOnly(2);
    Row surge = alerts.stream().filter(r -> r.getAs("rule").equals(AlertsTransforms.ROBUST_Z)).findFirst().orElseThrow();
    List<Row> top = surge.getList(surge.fieldIndex("top_documents"));
    assertThat(top).hasSize(5);
    assertThat(top).extracting(d -> d.<String>getAs("doc_id"))
        .containsExactly("NVX-2026-11-20-15", "NVX-2026-11-20-14", "NVX-2026-11-20-13", "NVX-2026-11-20-12", "NVX-2026-11-20-11");
    assertThat(top.get(0).<String>getAs("title")).isEqualTo("NVX headline 15");

    assertThat(stored(TableName.SENTIMENT_ALERTS).schema().apply("z").getComment().isDefined()).isTrue();
    assertThat(spark.sql("select count(*) from gold.entity_daily_sentiment").first().getLong(0)).isEqualTo(2);

    // The JSON-lines file holds exactly the stored alerts, one object a line, and no temp file is left.
    Path jsonl = outputDir().resolve("alerts-2026-11-20.jsonl");
    assertThat(result.jsonl()).isEqualTo(jsonl);
    List<String> lines = Files.readAllLines(jsonl);
    assertThat(lines).hasSize((int) result.alerts());
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("entity").asText()).isEqualTo("NVX");
    assertThat(first.get("event_date").asText()).isEqualTo("2026-11-20");
    assertThat(first.get("top_documents")).hasSize(5);
    try (var files = Files.list(outputDir())) {
      assertThat(files).containsExactly(jsonl);
    }
  }

  @Test
  void aRerunOfTheSameRangeLeavesBothTablesIdentical() {
    PipelineConfig config = alertsConfig();
    Jobs.alerts(spark, config, SURGE.minusDays(5), SURGE, "backtest");
    List<String> daily = snapshot(TableName.ENTITY_DAILY);
    List<String> alerts = snapshot(TableName.SENTIMENT_ALERTS);
    AlertsJob.Result again = Jobs.alerts(spark, config, SURGE.minusDays(5), SURGE, "backtest");

    assertThat(daily).hasSize(12);
    assertThat(again.entityDays()).isEqualTo(12);
    assertThat(snapshot(TableName.ENTITY_DAILY)).isEqualTo(daily);
    assertThat(snapshot(TableName.SENTIMENT_ALERTS)).isEqualTo(alerts).isNotEmpty();
  }

  @Test
  void aRangeWriteLeavesOtherDatesAlone() {
    Jobs.alerts(spark, alertsConfig(), SURGE.minusDays(9), SURGE, "backtest");
    List<String> before = stored(TableName.ENTITY_DAILY).where(col("event_date").lt(Date.valueOf(SURGE)))
        .toJSON().collectAsList().stream().sorted().toList();

    // Rerun the last day only, with a threshold nothing reaches: its alerts go, earlier days stay.
    AlertsJob.Result nightly =
        Jobs.alerts(spark, alertsConfig("alerts.robust-z.threshold=100", "alerts.robust-z.critical=100",
            "alerts.ewma.limit=100", "alerts.ewma.critical=100", "alerts.negative-surge.enabled=false",
            "alerts.volume-negative.enabled=false", "alerts.cusum.enabled=false"), SURGE, SURGE, "nightly-2");

    assertThat(nightly.alerts()).isZero();
    assertThat(stored(TableName.ENTITY_DAILY).count()).isEqualTo(20);
    assertThat(stored(TableName.ENTITY_DAILY).where(col("event_date").lt(Date.valueOf(SURGE)))
        .toJSON().collectAsList().stream().sorted().toList()).isEqualTo(before);
    assertThat(stored(TableName.SENTIMENT_ALERTS).where(col("event_date").equalTo(Date.valueOf(SURGE))).count()).isZero();
    assertThat(stored(TableName.ENTITY_DAILY).where(col("event_date").equalTo(Date.valueOf(SURGE)))
        .select("negative_share_z").first().isNullAt(0)).isFalse();
  }

  @Test
  void aTableWrittenBeforeTheNewerRulesGainsTheirColumns() {
    Jobs.alerts(spark, alertsConfig(), SURGE.minusDays(3), SURGE, "new-layout");
    Warehouse warehouse = new Warehouse(config().warehouse());
    // The layout of before the volume and CUSUM rules: their columns absent.
    for (TableName table : List.of(TableName.ENTITY_DAILY, TableName.SENTIMENT_ALERTS)) {
      Dataset<Row> old = stored(table).drop("negative_stories", "first_seen", "calendar_baseline_days", "negative_stories_median",
          "negative_stories_z", "documents_median", "documents_z", "mean_score_z", "mean_score_cusum").localCheckpoint();
      old.write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(warehouse.location(table));
    }
    assertThat(stored(TableName.ENTITY_DAILY).columns()).doesNotContain("mean_score_cusum");

    Jobs.alerts(spark, alertsConfig(), SURGE, SURGE, "upgrade");
    Dataset<Row> daily = stored(TableName.ENTITY_DAILY);
    assertThat(daily.columns()).contains("negative_stories_z", "documents_z", "mean_score_cusum");
    assertThat(daily.where(col("event_date").equalTo(Date.valueOf(SURGE))).where(col("documents_z").isNull()).count()).isZero();
    assertThat(daily.where(col("event_date").lt(Date.valueOf(SURGE))).where(col("documents_z").isNotNull()).count())
        .as("older days keep their rows, without the new statistics").isZero();
    assertThat(stored(TableName.SENTIMENT_ALERTS).where(col("rule").equalTo(AlertsTransforms.NEGATIVE_SURGE)).count()).isEqualTo(1);
  }

  @Test
  void theWebhookReceivesTheAlertsAndItsFailureIsReportedNotFatal() throws Exception {
    AtomicReference<String> body = new AtomicReference<>();
    AtomicInteger status = new AtomicInteger(200);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          body.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] answer = "nope".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status.get(), answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
      AlertsJob.Result delivered = Jobs.alerts(spark, alertsConfig("alerts.webhook.url=" + url), SURGE, SURGE, "hook-1");
      assertThat(delivered.webhook().outcome()).isEqualTo(AlertsOutput.WebhookOutcome.DELIVERED);
      JsonNode posted = new ObjectMapper().readTree(body.get());
      assertThat(posted.isArray()).isTrue();
      assertThat(posted).hasSize((int) delivered.alerts());
      assertThat(posted.get(0).get("entity").asText()).isEqualTo("NVX");
      assertThat(posted.get(0).get("run_id").asText()).isEqualTo("hook-1");

      status.set(500);
      AlertsJob.Result failed = Jobs.alerts(spark, alertsConfig("alerts.webhook.url=" + url), SURGE, SURGE, "hook-2");
      assertThat(failed.webhook().outcome()).isEqualTo(AlertsOutput.WebhookOutcome.FAILED);
      assertThat(failed.webhook().detail()).contains("HTTP 500");
      assertThat(failed.alerts()).as("stored anyway").isEqualTo(delivered.alerts());
    } finally {
      server.stop(0);
    }
    // Nothing listening: a connection failure is reported too.
    AlertsJob.Result unreachable =
        Jobs.alerts(spark, alertsConfig("alerts.webhook.url=http://127.0.0.1:1/hook", "alerts.webhook.timeout=2s"),
            SURGE, SURGE, "hook-3");
    assertThat(unreachable.webhook().outcome()).isEqualTo(AlertsOutput.WebhookOutcome.FAILED);
  }

  @Test
  void theCliRunsANightlyAndABacktestAndRejectsAReversedRange() {
    assertThat(cli("--run-date", "2026-11-20").out()).contains("alerts news 2026-11-20..2026-11-20 with model version 2");
    Outcome backtest = cli("--from", "2026-11-18", "--to", "2026-11-20");
    assertThat(backtest.code()).isZero();
    assertThat(backtest.out()).contains("6 entity-days");
    assertThat(stored(TableName.SENTIMENT_ALERTS).select("run_id").distinct().collectAsList())
        .extracting(r -> r.getString(0)).containsOnly("alerts-2026-11-18_2026-11-20");
    Outcome reversed = cli("--from", "2026-11-21", "--to", "2026-11-20");
    assertThat(reversed.code()).isEqualTo(64);
    assertThat(reversed.err()).contains("--from 2026-11-21 is after --to 2026-11-20");
  }

  private record Outcome(int code, String out, String err) {}

  private static Outcome cli(String... args) {
    SessionFactory shared =
        new SessionFactory() {
          @Override
          public SparkSession open(PipelineConfig config) {
            return spark;
          }

          @Override
          public void release(SparkSession session) {}
        };
    CommandLine cli = PipelineCli.commandLine(new PipelineCli(shared));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all =
        new ArrayList<>(List.of("alerts", "--set", "warehouse=" + workDir.resolve("warehouse"), "--set",
            "alerts.output-dir=" + outputDir()));
    all.addAll(Arrays.asList(args));
    int code = cli.execute(all.toArray(String[]::new));
    return new Outcome(code, out.toString(), err.toString());
  }
}
