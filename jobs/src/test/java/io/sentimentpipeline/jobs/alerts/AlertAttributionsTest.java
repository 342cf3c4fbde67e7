package io.sentimentpipeline.jobs.alerts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentimentpipeline.jobs.GoldFixture;
import io.sentimentpipeline.jobs.InProcessCli;
import io.sentimentpipeline.jobs.Jobs;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.TinyEncoder;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Explained alerts on the demo warehouse: the demo corpus through ingest, clean and tokenize, a
 * tiny BERT really trained on its news and made champion (a real, verified bundle), scores from
 * {@link GoldFixture} under that model version (deterministic, so alerts do fire), then the real
 * alerts job. Its alerts' top documents carry the model's attributions in the table and the JSON
 * lines; a missing or tampered bundle leaves the same alerts, without attributions, and says why.
 */
class AlertAttributionsTest extends SparkTestBase {

  private static final LocalDate FROM = LocalDate.of(2026, 11, 1);
  private static final LocalDate TO = LocalDate.of(2026, 11, 27);

  private static Path bundle;

  private static List<String> overrides() throws Exception {
    return List.of(
        "warehouse=" + workDir.resolve("warehouse"), "demo.output=" + workDir.resolve("demo"),
        "alerts.output-dir=" + workDir.resolve("alerts"), "demo.reviews=150", "demo.news-days=60",
        "alerts.min-documents=3", "alerts.min-baseline-days=5", "tokenize.max-length=64",
        "encoders.\"all-minilm-l6-v2\".weights=" + TinyEncoder.checkpoint(workDir), "train.epochs=2", "train.patience=2",
        "train.learning-rate=0.002", "train.dropout=0", "alerts.attributions.top-words=3");
  }

  private static PipelineConfig alertsConfig(String... more) throws Exception {
    List<String> all = new ArrayList<>(overrides());
    all.addAll(List.of(more));
    return config(all.toArray(String[]::new));
  }

  @BeforeAll
  static void buildDemoWarehouseWithARealChampion() throws Exception {
    for (List<String> command :
        List.of(List.of("demo-data"), List.of("ingest", "--run-date", "2026-11-28"), List.of("clean", "--run-date", "2026-11-28"),
            List.of("tokenize", "--run-date", "2026-11-28"))) {
      List<String> args = new ArrayList<>(command);
      overrides().forEach(o -> args.addAll(List.of("--set", o)));
      InProcessCli.Outcome outcome = InProcessCli.run(spark, args);
      assertThat(outcome.exitCode()).as(outcome.describe(command)).isZero();
    }
    PipelineConfig config = alertsConfig();
    Warehouse warehouse = new Warehouse(config.warehouse());
    Jobs.train(spark, config, Domain.NEWS, 0);
    ModelRegistry registry = new ModelRegistry(spark, warehouse);
    if (registry.championVersion("news").orElse(0) != 1) { // the TF-IDF baseline may keep a tiny model from promotion
      registry.promote("news-sentiment", 1, ModelRegistry.Change.byCurrentUser("AlertAttributionsTest", Instant.now()));
    }
    bundle = Path.of(registry.registered("news", 1).orElseThrow().bundlePath());
    GoldFixture.writeScores(spark, warehouse); // model version 1: the champion's
  }

  private static AlertsJob.Result alerts(PipelineConfig config) {
    return Jobs.alerts(spark, config, FROM, TO, "attributions");
  }

  /** Per alert_id, its top documents' doc_ids in order. */
  private static Map<String, List<String>> topDocuments() {
    return table("gold.sentiment_alerts").select("alert_id", "top_documents.doc_id").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getList(1)));
  }

  private static List<Row> explained() {
    return table("gold.sentiment_alerts")
        .select(explode(col("top_documents")).as("d"))
        .select(col("d.doc_id"), col("d.attributions"))
        .collectAsList();
  }

  private static List<JsonNode> jsonl(AlertsJob.Result result) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(result.jsonl())) {
      lines.add(json.readTree(line));
    }
    return lines;
  }

  @Test
  void eachTopDocumentCarriesTheWordsOfItsTextThatRaisedItsNegativeScore() throws Exception {
    AlertsJob.Result result = alerts(alertsConfig());

    assertThat(result.alerts()).as("the fixture's scores fire").isPositive();
    assertThat(result.attributions()).as(result.toString()).contains("documents of " + result.alerts() + " alerts", "ms per document");
    Map<String, String> texts =
        table("silver.documents").select("doc_id", "text").collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    List<Row> documents = explained();
    assertThat(documents).isNotEmpty();
    int words = 0;
    for (Row document : documents) {
      assertThat(document.isNullAt(1)).as("attributions of %s", document.getString(0)).isFalse();
      List<Row> attributions = document.getList(1);
      assertThat(attributions).hasSizeLessThanOrEqualTo(3);
      double previous = Double.POSITIVE_INFINITY;
      for (Row a : attributions) {
        assertThat(texts.get(document.getString(0))).as("a word of the document").contains(a.getString(0));
        assertThat(a.getDouble(1)).as("raises P(negative), strongest first").isPositive().isLessThanOrEqualTo(previous);
        previous = a.getDouble(1);
        words++;
      }
    }
    assertThat(words).as("a trained model finds driving words").isPositive();

    List<JsonNode> lines = jsonl(result);
    assertThat(lines).hasSize((int) result.alerts());
    JsonNode first = lines.get(0).path("top_documents").get(0);
    assertThat(first.path("attributions").isArray()).as(first.toString()).isTrue();
    long inFile = lines.stream().flatMap(l -> iterable(l.path("top_documents")).stream())
        .mapToLong(d -> d.path("attributions").size()).sum();
    assertThat(inFile).as("the file and the webhook's payload carry the same words").isEqualTo(words);
  }

  @Test
  void aMissingOrTamperedBundleLeavesTheSameAlertsWithoutAttributions() throws Exception {
    alerts(alertsConfig());
    Map<String, List<String>> before = topDocuments();
    Path aside = bundle.resolveSibling("aside");
    FileUtils.copyDirectory(bundle.toFile(), aside.toFile());
    try {
      FileUtils.deleteDirectory(bundle.toFile());
      AlertsJob.Result missing = alerts(alertsConfig());
      assertThat(missing.attributions()).as(missing.toString()).startsWith("none:").contains("is missing");
      assertWithoutAttributions(missing, before);

      FileUtils.copyDirectory(aside.toFile(), bundle.toFile());
      Path weights = bundle.resolve("model.safetensors");
      byte[] bytes = Files.readAllBytes(weights);
      bytes[bytes.length - 1] ^= 1;
      Files.write(weights, bytes);
      AlertsJob.Result tampered = alerts(alertsConfig());
      assertThat(tampered.attributions()).as(tampered.toString()).startsWith("none:").contains("model.safetensors", "expected");
      assertWithoutAttributions(tampered, before);
    } finally {
      FileUtils.deleteDirectory(bundle.toFile());
      FileUtils.moveDirectory(aside.toFile(), bundle.toFile());
    }
  }

  private static void assertWithoutAttributions(AlertsJob.Result result, Map<String, List<String>> before) throws Exception {
    assertThat(topDocuments()).as("the same alerts and top documents").isEqualTo(before);
    assertThat(explained()).allSatisfy(d -> assertThat(d.isNullAt(1)).isTrue());
    assertThat(jsonl(result)).hasSize(before.size())
        .allSatisfy(line -> assertThat(iterable(line.path("top_documents"))).allSatisfy(d -> assertThat(d.has("attributions")).isFalse()));
  }

  private static List<JsonNode> iterable(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }
}
