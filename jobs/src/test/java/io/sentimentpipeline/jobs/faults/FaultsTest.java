package io.sentimentpipeline.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.jobs.InProcessCli;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.TinyEncoder;
import io.sentimentpipeline.jobs.catalog.StageLease;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.cluster.ForkedPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Faults a production run meets: the driver killed with {@code kill -9} between two commits of a
 * stage, and two processes running the same stage on the same warehouse at once. Each forked run
 * is a real {@code pipeline} process; after a kill, the rerun must leave the tables as an
 * undisturbed run leaves them, and twins must never double a row.
 */
@Tag("faults")
class FaultsTest extends SparkTestBase {

  private static final String MAIN = "io.sentimentpipeline.jobs.cli.PipelineCli";
  private static final String RUN_DATE = "2026-11-28";
  private static ForkedPipeline forked;
  private static Path landing;

  @BeforeAll
  static void writeCorpus() throws Exception {
    forked = new ForkedPipeline(workDir);
    landing = workDir.resolve("landing");
    Files.createDirectories(landing.resolve("reviews"));
    Files.createDirectories(landing.resolve("news"));
    for (int f = 0; f < 12; f++) {
      List<String> lines = new ArrayList<>(List.of("review_id,product,rating,title,body,created_at"));
      for (int i = 0; i < 300; i++) {
        int id = f * 1000 + i;
        lines.add("r" + id + ",kettle," + (1 + id % 5) + ",t,Review number " + id + " of a kettle that boils" + (i % 17 == 0 ? "" : " well") + ",2026-10-" + (10 + id % 18) + "T10:00:00Z");
      }
      lines.add("bad,kettle,five");
      Files.write(landing.resolve("reviews/part-" + f + ".csv"), lines);
    }
    for (int f = 0; f < 6; f++) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int id = f * 1000 + i;
        boolean bad = id % 3 == 0 || (id % 15 == 13 && f < 3);
        lines.add("{\"id\":\"n" + id + "\",\"published_at\":\"2026-11-" + (10 + id % 15) + "T09:00:00Z\",\"body\":\"$NVX shares "
            + (bad ? "fall after the probe" : "rise on strong results") + " story " + id + "\",\"sentiment\":\"" + (bad ? "bearish" : "bullish") + "\"}");
      }
      Files.write(landing.resolve("news/part-" + f + ".jsonl"), lines);
    }
  }

  private static Path conf(String name) throws Exception {
    Path conf = workDir.resolve(name + ".conf");
    Files.writeString(conf, """
        include classpath("conf/local.conf")
        warehouse = "%1$s/%2$s"
        spark.master = "local[1]"
        sources = [
          { name = reviews, domain = review, format = csv, path = "%3$s/reviews/*.csv"
            schema = "review_id STRING, product STRING, rating INT, title STRING, body STRING, created_at STRING"
            columns { id = review_id, text = body, label = rating, timestamp = created_at }
            labels { "1" = negative, "2" = negative, "3" = neutral, "4" = positive, "5" = positive }
            options { header = "true" } }
          { name = news, domain = news, format = jsonl, path = "%3$s/news/*.jsonl"
            schema = "id STRING, published_at STRING, body STRING, sentiment STRING"
            columns { id = id, text = body, label = sentiment, timestamp = published_at }
            labels { bullish = positive, bearish = negative } }
        ]
        encoders."all-minilm-l6-v2".weights = "%4$s"
        tokenize.max-length = 32
        train { epochs = 2, patience = 2, learning-rate = 0.002, dropout = 0, checkpoint-dir = "%1$s/%2$s-checkpoints" }
        score { domains = [news], batch-size = 16 }
        """.formatted(workDir, name, landing, TinyEncoder.checkpoint(workDir)));
    return conf;
  }

  private static List<String> args(String command, Path conf) {
    return List.of(command, "--conf", conf.toString(), "--run-date", RUN_DATE);
  }

  private static void inProcess(String command, Path conf) {
    InProcessCli.Outcome outcome = InProcessCli.run(spark, args(command, conf));
    assertThat(outcome.exitCode()).as(outcome.describe(args(command, conf))).isZero();
  }

  /** Starts a forked stage and kills it with SIGKILL as soon as {@code commit} exists. */
  private static void killWhenCommitted(String command, Path conf, Path commit) throws Exception {
    Process process = forked.start(MAIN, args(command, conf), workDir.resolve(command + "-killed.log"), null);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (!Files.exists(commit) && process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(process.isAlive()).as("still running when " + commit.getFileName() + " appeared; log " + workDir.resolve(command + "-killed.log")).isTrue();
    process.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no finally
  }

  private static List<String> rows(String sql) {
    return spark.sql(sql).collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /** A table's rows, less the time of the run that wrote them, in a stable order. */
  private static List<String> table(String warehouse, String table) {
    org.apache.spark.sql.Dataset<Row> rows = spark.read().format("delta").load(workDir.resolve(warehouse).resolve(table).toString());
    for (String column : rows.columns()) {
      if (column.endsWith("_at")) {
        rows = rows.drop(column);
      }
    }
    return rows.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private static List<String> bronze(String warehouse) {
    List<String> all = new ArrayList<>();
    for (String table : List.of("bronze/reviews_raw", "bronze/news_raw")) {
      all.addAll(table(warehouse, table));
    }
    all.addAll(rows("select source, path, status, reason, rows_read, malformed_rows from delta.`"
        + workDir.resolve(warehouse).resolve("bronze/ingest_files") + "`"));
    return all;
  }

  private static List<String> silver(String warehouse) {
    List<String> all = new ArrayList<>();
    all.addAll(table(warehouse, "silver/documents"));
    all.addAll(table(warehouse, "silver/quarantine"));
    return all;
  }

  @Test
  void killingIngestAndCleanBetweenCommitsThenRerunningLeavesWhatAnUndisturbedRunLeaves() throws Exception {
    Path quiet = conf("undisturbed");
    inProcess("ingest", quiet);
    inProcess("clean", quiet);

    Path killed = conf("killed");
    Path warehouse = workDir.resolve("killed");
    killWhenCommitted("ingest", killed, warehouse.resolve("bronze/reviews_raw/_delta_log/00000000000000000000.json"));
    assertThat(Files.exists(warehouse.resolve("bronze/news_raw"))).as("killed before the second source").isFalse();
    inProcess("ingest", killed);
    assertThat(bronze("killed")).isEqualTo(bronze("undisturbed"));

    killWhenCommitted("clean", killed, warehouse.resolve("silver/quarantine/_delta_log/00000000000000000000.json"));
    inProcess("clean", killed);
    assertThat(silver("killed")).isEqualTo(silver("undisturbed"));
  }

  @Test
  void killingScoreAndAlertsBetweenCommitsThenRerunningLeavesWhatAnUndisturbedRunLeaves() throws Exception {
    Path quiet = conf("gold-undisturbed");
    for (String stage : List.of("ingest", "clean", "tokenize")) {
      inProcess(stage, quiet);
    }
    InProcessCli.Outcome train = InProcessCli.run(spark, List.of("train", "--conf", quiet.toString(), "--domain", "news"));
    assertThat(train.exitCode()).as(train.describe(List.of("train"))).isZero();
    InProcessCli.Outcome promote =
        InProcessCli.run(spark, List.of("models", "promote", "news-sentiment", "1", "--reason", "FaultsTest: tiny champion", "--conf", quiet.toString()));
    assertThat(promote.exitCode()).as(promote.describe(List.of("models", "promote"))).isZero();
    copy(workDir.resolve("gold-undisturbed"), workDir.resolve("gold-killed"));
    Path killed = conf("gold-killed");
    List<String> alerts = List.of("alerts", "--from", "2026-11-10", "--to", RUN_DATE);

    inProcess("score", quiet);
    InProcessCli.run(spark, withConf(alerts, quiet));
    killWhenCommitted("score", killed, workDir.resolve("gold-killed/gold/sentiment_scores/_delta_log/00000000000000000000.json"));
    inProcess("score", killed);
    assertThat(table("gold-killed", "gold/sentiment_scores")).isEqualTo(table("gold-undisturbed", "gold/sentiment_scores")).isNotEmpty();

    Process process = forked.start(MAIN, withConf(alerts, killed), workDir.resolve("alerts-killed.log"), null);
    Path commit = workDir.resolve("gold-killed/gold/entity_daily_sentiment/_delta_log/00000000000000000000.json");
    while (!Files.exists(commit) && process.isAlive()) {
      Thread.sleep(5);
    }
    assertThat(process.isAlive()).as("alerts still running at its first commit").isTrue();
    process.destroyForcibly().waitFor();
    assertThat(InProcessCli.run(spark, withConf(alerts, killed)).exitCode()).isZero();
    assertThat(table("gold-undisturbed", "gold/entity_daily_sentiment")).isNotEmpty();
    for (String table : List.of("gold/entity_daily_sentiment", "gold/sentiment_alerts")) {
      assertThat(table("gold-killed", table)).as(table).isEqualTo(table("gold-undisturbed", table));
    }
  }

  private static List<String> withConf(List<String> command, Path conf) {
    List<String> all = new ArrayList<>(command);
    all.addAll(List.of("--conf", conf.toString()));
    return all;
  }

  private static void copy(Path from, Path to) throws Exception {
    try (var paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }

  @Test
  void twoIngestsAtOnceNeverDoubleARow() throws Exception {
    Path twins = conf("twins");
    Process first = forked.start(MAIN, args("ingest", twins), workDir.resolve("twin-1.log"), null);
    Process second = forked.start(MAIN, args("ingest", twins), workDir.resolve("twin-2.log"), null);
    assertThat(first.waitFor(5, TimeUnit.MINUTES) && second.waitFor(5, TimeUnit.MINUTES)).isTrue();
    List<Integer> codes = List.of(first.exitValue(), second.exitValue());
    assertThat(codes).as(Files.readString(workDir.resolve("twin-1.log")) + Files.readString(workDir.resolve("twin-2.log")))
        .containsAnyOf(0).allMatch(code -> code == 0 || code == 75);
    if (codes.contains(75)) {
      String loser = Files.readString(workDir.resolve(codes.get(0) == 75 ? "twin-1.log" : "twin-2.log"));
      assertThat(loser).contains("Another `ingest` is writing to the warehouse", "safe to run");
    }
    assertThat(spark.sql("select count(*), count(distinct source_file, raw_record) from delta.`"
            + workDir.resolve("twins/bronze/reviews_raw") + "`").first().toString())
        .isEqualTo("[" + 12 * 301 + "," + 12 * 301 + "]");
  }

  @Test
  void aStageWhoseLeaseAnotherProcessHoldsExitsWith75AndWritesNothing() throws Exception {
    Path held = conf("held");
    for (String stage : List.of("clean", "tokenize", "train", "score", "alerts")) {
      try (StageLease lease = StageLease.acquire(new Warehouse(workDir.resolve("held").toString()), stage)) {
        ForkedPipeline.Outcome outcome = forked.run(MAIN, args(stage, held), workDir.resolve(stage + "-held.log"), 4);
        assertThat(outcome.exitCode()).as(outcome.tail()).isEqualTo(75);
        assertThat(outcome.tail()).contains("Another `" + stage + "` is writing to the warehouse", "pid " + ProcessHandle.current().pid());
      }
    }
    assertThat(new Warehouse(workDir.resolve("held").toString()).tables(spark)).isEmpty();
  }
}
