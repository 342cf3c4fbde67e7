package io.sentimentpipeline.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.jobs.InProcessCli;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.TinyEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The CLI end to end on a small demo corpus, as a user runs it, plus its exit codes. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineCliTest extends SparkTestBase {

  private static final String[] SMALL_DEMO = {
    "--set", "demo.reviews=150", "--set", "demo.news-days=95", "--set", "demo.news-per-day=4",
    "--set", "demo.surge.articles=12", "--set", "alerts.min-baseline-days=3", "--set", "alerts.output-dir=target/test-alerts",
    "--run-date", "2026-11-28"
  };

  private static InProcessCli.Outcome pipeline(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(1, List.of("--set", "warehouse=" + workDir.resolve("warehouse"), "--set", "demo.output=" + workDir.resolve("demo")));
    return InProcessCli.run(spark, all);
  }

  private static String[] with(String[] first, String... more) {
    List<String> all = new ArrayList<>(Arrays.asList(first));
    all.addAll(Arrays.asList(more));
    return all.toArray(String[]::new);
  }

  private static long count(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  @Test
  @Order(1)
  void aNightlyRunWithoutAChampionFillsSilverThenSaysToTrainOne() {
    assertThat(pipeline(with(new String[] {"demo-data"}, SMALL_DEMO)).exitCode()).isZero();

    InProcessCli.Outcome run = pipeline(with(new String[] {"run"}, SMALL_DEMO));

    assertThat(run.exitCode()).as(run.err()).isEqualTo(65);
    assertThat(run.err()).contains("No review or news champion", "./pipeline train --domain review", "./pipeline train --domain news");
    assertThat(run.out()).contains("ingest reviews", "clean batch 2026-11-28", "tokenize");
    long documents = count("select count(*) from silver.documents");
    assertThat(documents).isGreaterThan(400);
    assertThat(count("select count(*) from silver.tokens")).isEqualTo(documents);
    assertThat(spark.sql("select distinct reason from silver.quarantine").collectAsList())
        .extracting(row -> row.getString(0))
        .contains("malformed_record", "missing_text", "text_too_long", "unparseable_timestamp");
    assertThat(count("select count(*) from silver.documents where domain = 'news' and event_date = date'2026-11-20' and array_contains(entities, 'NVX')"))
        .as("the injected surge is visible").isGreaterThanOrEqualTo(12);
    assertThat(count("select count(distinct event_date) from silver.documents where domain = 'news'")).isGreaterThanOrEqualTo(90);
  }

  @Test
  @Order(2)
  void withChampionsTheRunScoresEverythingAndNeverAlertsOnQuietCompanies() throws Exception {
    String[] tiny = TinyEncoder.overrides(workDir);
    for (String domain : List.of("review", "news")) {
      InProcessCli.Outcome train = pipeline(with(with(new String[] {"train", "--domain", domain}, SMALL_DEMO), tiny));
      assertThat(train.exitCode()).as(train.err()).isZero();
    }
    // The TF-IDF baseline reads the tiny demo perfectly, so a tiny model is never promoted: crown them.
    for (String domain : List.of("review", "news")) {
      crown(domain + "-sentiment");
    }

    InProcessCli.Outcome run = pipeline(with(with(new String[] {"run", "--demo-data"}, SMALL_DEMO), tiny));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("no news entity champion yet", "news-entity-sentiment v1", "score review:", "news:", "alerts", "optimize");
    assertThat(run.out()).doesNotContain("no review champion yet", "no news champion yet", "no review entity champion yet");
    // Crown the tiny entity model too (a no-op if it beat TF-IDF) and run again, as a user would.
    crown("news-entity-sentiment");
    InProcessCli.Outcome again = pipeline(with(with(new String[] {"run", "--demo-data"}, SMALL_DEMO), tiny));
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).contains("news entities:").doesNotContain("entity champion yet");
    assertThat(count("select count(*) from gold.sentiment_scores")).as("every document scored once")
        .isEqualTo(count("select count(*) from silver.documents"));
    List<String> alerted =
        spark.sql("select distinct concat(entity, ' ', event_date) from gold.sentiment_alerts").collectAsList().stream()
            .map(row -> row.getString(0)).toList();
    // A tiny model reads sentiment too poorly to promise the surge alert (the README's MiniLM run
    // shows it; AlertsJobTest covers the rules); it must never alert on the quiet companies.
    assertThat(alerted).as("nothing about the quiet companies").isSubsetOf("NVX 2026-11-20");
    assertThat(count("select documents from gold.entity_daily_sentiment where entity = 'NVX' and event_date = date'2026-11-20'"))
        .as("the surge day is aggregated").isGreaterThanOrEqualTo(12);

    // Mixed news ("A beats estimates as B warns", labelled up for A and down for B): one entity score per company.
    String mixed = "select doc_id from silver.entity_labels group by doc_id"
        + " having count(*) = 2 and array_sort(collect_list(label)) = array('negative', 'positive')";
    assertThat(count("select count(*) from (" + mixed + ")")).as("labelled mixed demo news").isGreaterThanOrEqualTo(3);
    List<Row> perDocument = spark.sql("select d.doc_id, size(d.entities) as tickers, count(e.entity) as rows,"
        + " count(distinct e.entity) as entities, count(e.mention) as mentions"
        + " from (" + mixed + ") m join silver.documents d on d.doc_id = m.doc_id"
        + " left join gold.entity_sentiment_scores e on e.doc_id = d.doc_id group by d.doc_id, d.entities").collectAsList();
    assertThat(perDocument).isNotEmpty().allSatisfy(row -> {
      assertThat(row.<Integer>getAs("tickers")).as("both companies tagged: " + row).isEqualTo(2);
      assertThat(row.<Long>getAs("rows")).as("one score per company: " + row).isEqualTo(2L);
      assertThat(row.<Long>getAs("entities")).as(row.toString()).isEqualTo(2L);
      assertThat(row.<Long>getAs("mentions")).as("named as the text names it: " + row).isEqualTo(2L);
    });
    assertThat(count("select count(*) from gold.entity_sentiment_scores where model_name = 'news-entity-sentiment'"))
        .as("every tagged news document scored per entity")
        .isEqualTo(count("select count(*) from silver.documents lateral view explode(entities) t as ticker where domain = 'news'"));
    assertThat(count("select count(*) from gold.sentiment_alerts lateral view explode(top_documents) t as top where size(top.attributions) > 0"))
        .as("an alert explains its top documents word by word").isPositive();
  }

  private static void crown(String model) {
    InProcessCli.Outcome promote =
        InProcessCli.run(spark, List.of("models", "promote", model, "1", "--reason",
            "PipelineCliTest: the run is under test", "--set", "warehouse=" + workDir.resolve("warehouse")));
    assertThat(promote.exitCode()).as(promote.err()).isZero();
  }

  @Test
  @Order(3)
  void aSecondRunChangesNothing() throws Exception {
    String counts = "select (select count(*) from bronze.reviews_raw) + 1000 * (select count(*) from bronze.news_raw),"
        + " (select count(*) from silver.documents) + 1000000 * (select count(*) from silver.quarantine),"
        + " (select count(*) from silver.tokens), (select count(*) from gold.sentiment_scores),"
        + " (select count(*) from gold.entity_sentiment_scores), (select count(*) from silver.entity_labels),"
        + " (select count(*) from gold.sentiment_alerts), (select count(*) from gold.entity_daily_sentiment)";
    String before = spark.sql(counts).first().toString();
    List<Row> scores = spark.sql("select * from gold.sentiment_scores order by doc_id, model_version").collectAsList();
    List<Row> alerts = spark.sql("select * from gold.sentiment_alerts order by entity, event_date, rule").collectAsList();

    InProcessCli.Outcome again = pipeline(with(with(new String[] {"run", "--demo-data"}, SMALL_DEMO), TinyEncoder.overrides(workDir)));

    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).contains("0 new", "kept 0 +", "tokenize nothing new", "0 documents scored");
    assertThat(spark.sql(counts).first().toString()).isEqualTo(before);
    assertThat(spark.sql("select * from gold.sentiment_scores order by doc_id, model_version").collectAsList()).isEqualTo(scores);
    assertThat(spark.sql("select * from gold.sentiment_alerts order by entity, event_date, rule").collectAsList()).isEqualTo(alerts);
  }

  @Test
  @Order(4)
  void sqlAndTablesPrintTables() {
    InProcessCli.Outcome sql = pipeline("sql", "select domain, count(*) as n from silver.documents group by domain order by domain");
    assertThat(sql.exitCode()).as(sql.err()).isZero();
    assertThat(sql.out()).contains("| domain", "| news", "| review", "(2 rows)");

    InProcessCli.Outcome csv = pipeline("sql", "select 'a,b' as text, cast(null as string) as missing, 1 as n", "--format", "csv");
    assertThat(csv.exitCode()).as(csv.err()).isZero();
    assertThat(csv.out()).isEqualTo("text,missing,n\r\n\"a,b\",,1\r\n");

    InProcessCli.Outcome tables = pipeline("tables");
    assertThat(tables.exitCode()).as(tables.err()).isZero();
    assertThat(tables.out()).contains("bronze.news_raw", "bronze.reviews_raw", "silver.documents", "silver.quarantine", "silver.tokens", "delta_version");
  }

  @Test
  @Order(5)
  void exitCodesTellUsageFromBadDataFromBugs() {
    assertThat(pipeline("ingest", "--set", "clean.max-chars=1").exitCode()).as("config").isEqualTo(64);
    assertThat(pipeline("ingest", "--no-such-flag").exitCode()).as("usage").isEqualTo(64);
    assertThat(pipeline("sql", "select * from gold.nothing").exitCode()).as("bad query").isEqualTo(64);

    InProcessCli.Outcome missing = pipeline("ingest", "--set", "demo.output=" + workDir.resolve("nowhere"));
    assertThat(missing.exitCode()).as("no input files").isEqualTo(65);
    assertThat(missing.err()).contains("no file matches", "nowhere/reviews/*.csv");
  }

  @Test
  @Order(6)
  void everyCommandHasHelp() {
    for (String command : List.of("demo-data", "ingest", "clean", "tokenize", "train", "score", "alerts", "optimize", "run", "sql", "tables", "config")) {
      InProcessCli.Outcome help = pipeline(command, "--help");
      assertThat(help.exitCode()).as(command).isZero();
      assertThat(help.out()).as(command).contains("--conf", "--set", "--run-date", "Exit codes");
    }
  }
}
