package io.sentimentpipeline.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sentimentpipeline.jobs.Jobs;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.TinyEncoder;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.jobs.train.TrainJob;
import io.sentimentpipeline.udfs.score.ExecutorModelCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Entity-level sentiment end to end on real Spark, Delta and DJL with a tiny encoder: entity labels
 * through ingest and clean, an entity model trained on (text, entity) pairs, a score per (document,
 * ticker) for multi-company headlines, and alerts that aggregate each entity's own scores.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EntityScoringTest extends SparkTestBase {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 20);
  private static final String[] UP = {"soars", "beats estimates", "wins contract", "raises guidance"};
  private static final String[] DOWN = {"slumps", "misses estimates", "warns", "cuts guidance"};

  @BeforeAll
  static void headlinesWithEntityLabels() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 180; i++) {
      boolean novexUp = i % 2 == 0;
      String novex = "Novex " + (novexUp ? UP : DOWN)[i % 4];
      String acorel = "Acorel " + (novexUp ? DOWN : UP)[(i / 2) % 4];
      String day = DAY.minusDays(i % 2).toString(); // both kinds of headline on both days
      if (i % 3 == 0) { // one company: entity and document label agree
        lines.add(line("s" + i, day, novex + " #" + i, "[" + entity("Novex", novexUp) + "]"));
      } else { // two companies, opposite news
        lines.add(line("m" + i, day, novex + " as " + acorel + " #" + i,
            "[" + entity("Novex", novexUp) + "," + entity("Acorel", !novexUp) + "]"));
      }
    }
    Path file = workDir.resolve("wire/w.jsonl");
    Files.createDirectories(file.getParent());
    Files.write(file, lines);
    TinyEncoder.checkpoint(workDir);
    PipelineConfig config = wire();
    Jobs.ingest(spark, config, DAY);
    Jobs.clean(spark, config, DAY);
    Jobs.tokenize(spark, config);
  }

  private static String line(String id, String day, String headline, String entities) {
    return "{\"id\":\"" + id + "\",\"published_at\":\"" + day + "T09:00:00Z\",\"headline\":\"" + headline + "\",\"entities\":" + entities + "}";
  }

  private static String entity(String name, boolean up) {
    return "{\"entity\":\"" + name + "\",\"sentiment\":\"" + (up ? "positive" : "negative") + "\"}";
  }

  private static PipelineConfig wire(String... more) {
    List<String> overrides = new ArrayList<>(List.of(
        "sources=[{name = wire, domain = news, format = jsonl, path = \"" + workDir.resolve("wire") + "/*.jsonl\","
            + " schema = \"id STRING, published_at STRING, headline STRING, entities ARRAY<STRUCT<entity: STRING, sentiment: STRING>>\","
            + " columns { id = id, text = headline, timestamp = published_at, entities = entities } }]",
        "encoders.\"all-minilm-l6-v2\".weights=" + workDir.resolve("tiny-bert"),
        "tokenize.max-length=32",
        "train.epochs=2", "train.batch-size=16", "train.learning-rate=0.002", "train.dropout=0",
        "score.domains=[news]", "score.batch-size=8", "score.documents-per-call=16",
        "alerts.min-documents=1", "alerts.min-baseline-days=1"));
    overrides.addAll(List.of(more));
    return SparkTestBase.config(overrides.toArray(String[]::new));
  }

  private static void crown(String model, int version) {
    new ModelRegistry(spark, new Warehouse(wire().warehouse()))
        .promote(model, version, ModelRegistry.Change.byCurrentUser("EntityScoringTest: scoring is under test", Instant.now()));
  }

  @Test
  @Order(1)
  void anEntityModelTrainsOnPairsAndIsItsDomainsEntityChampion() throws Exception {
    TrainJob.Result document = Jobs.train(spark, wire(), Domain.NEWS, 0);
    crown(document.modelName(), document.version());
    TrainJob.Result entity = Jobs.train(spark, wire("train.target=entity"), Domain.NEWS, 0);
    crown(entity.modelName(), entity.version());

    assertThat(entity.modelName()).isEqualTo("news-entity-sentiment");
    assertThat(entity.trainExamples()).as("pairs, not documents: more than the documents of the train split").isGreaterThan(document.trainExamples());
    Map<String, String> champions = new TreeMap<>();
    spark.sql("select model_name, target from ml.models where status = 'champion'").collectAsList()
        .forEach(r -> champions.put(r.getString(0), r.getString(1)));
    assertThat(champions).as("one champion per (domain, target)")
        .containsExactlyInAnyOrderEntriesOf(Map.of("news-sentiment", "document", "news-entity-sentiment", "entity"));
    assertThat(Files.readString(Path.of(entity.bundle(), "bundle.json"))).as("the bundle spec says what the model reads").contains("\"input\" : \"text-pair\"");
    assertThat(Files.readString(Path.of(document.bundle(), "bundle.json"))).contains("\"input\" : \"document\"");
  }

  @Test
  @Order(2)
  void eachCompanyOfAHeadlineGetsItsOwnScore() {
    ExecutorModelCache.clearForTests();
    ScoreJob.Result result = Jobs.score(spark, wire(), DAY);

    long documents = spark.sql("select count(*) from silver.documents").first().getLong(0);
    long pairs = spark.sql("select sum(size(entities)) from silver.documents").first().getLong(0);
    assertThat(spark.sql("select count(*) from gold.sentiment_scores").first().getLong(0)).as("document scores as before").isEqualTo(documents);
    assertThat(spark.sql("select count(*) from gold.entity_sentiment_scores").first().getLong(0)).isEqualTo(pairs);
    assertThat(result.domains()).extracting(ScoreJob.DomainResult::domain).containsExactly("news", "news entities");

    List<Row> headline = spark.sql(
        "select e.entity, e.mention, e.score, e.p_negative + e.p_positive, e.model_name from gold.entity_sentiment_scores e"
            + " join silver.documents d using (doc_id) where d.record_id = 'm1' order by e.entity").collectAsList();
    assertThat(headline).extracting(r -> r.getString(0)).containsExactly("ACRL", "NVX");
    assertThat(headline).extracting(r -> r.getString(1)).as("the names as written").containsExactly("Acorel", "Novex");
    assertThat(headline).extracting(r -> r.getString(4)).containsOnly("news-entity-sentiment");
    assertThat(headline.get(0).getDouble(3)).isCloseTo(1.0, within(1e-5));
    assertThat(headline.get(0).getDouble(2)).as("the model reads the entity: two entities, two scores")
        .isNotEqualTo(headline.get(1).getDouble(2));

    ScoreJob.Result again = Jobs.score(spark, wire(), DAY);
    assertThat(again.scored()).as("rerun").isZero();
    assertThat(spark.sql("select count(*) from gold.entity_sentiment_scores").first().getLong(0)).isEqualTo(pairs);
  }

  @Test
  @Order(3)
  void alertsAggregateEachEntitysOwnScores() {
    Jobs.alerts(spark, wire(), DAY.minusDays(1), DAY, "entity-test");

    for (String ticker : List.of("NVX", "ACRL")) {
      Row daily = spark.sql("select documents, mean_score from gold.entity_daily_sentiment where entity = '" + ticker
          + "' and event_date = DATE'" + DAY + "'").first();
      Row own = spark.sql("select count(*), avg(score) from gold.entity_sentiment_scores where entity = '" + ticker
          + "' and event_date = DATE'" + DAY + "'").first();
      Row ofDocuments = spark.sql("select avg(score) from gold.sentiment_scores where array_contains(entities, '" + ticker
          + "') and event_date = DATE'" + DAY + "'").first();
      assertThat(daily.getLong(0)).isEqualTo(own.getLong(0));
      assertThat(daily.getDouble(1)).as(ticker + ": the entity's own scores").isCloseTo(own.getDouble(1), within(1e-9));
      assertThat(daily.getDouble(1)).as(ticker + ": not the documents'").isNotCloseTo(ofDocuments.getDouble(0), within(1e-9));
    }
  }
}
