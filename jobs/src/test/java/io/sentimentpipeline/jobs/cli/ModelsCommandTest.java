package io.sentimentpipeline.jobs.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.sentimentpipeline.jobs.InProcessCli;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Target;
import io.sentimentpipeline.jobs.registry.ModelBundle;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import io.sentimentpipeline.udfs.model.EncoderImporter;
import io.sentimentpipeline.udfs.model.Pooling;
import io.sentimentpipeline.udfs.model.SafetensorsWriter;
import io.sentimentpipeline.udfs.model.SentimentClassifier;
import io.sentimentpipeline.udfs.score.BundleSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** {@code pipeline models ...} on a real Delta registry, one warehouse per test. */
class ModelsCommandTest extends SparkTestBase {

  private static final List<String> LABELS = List.of("negative", "positive");
  private static final String MODEL = "review-sentiment";
  private static final String USER = System.getProperty("user.name");

  private String warehouseRoot;
  private ModelRegistry registry;

  private void freshWarehouse(TestInfo test) {
    warehouseRoot = workDir.resolve("wh-" + test.getTestMethod().orElseThrow().getName()).toString();
    registry = new ModelRegistry(spark, new Warehouse(warehouseRoot));
  }

  private static ClassificationMetrics metrics(int correct) {
    return new ClassificationMetrics(LABELS, new long[][] {{correct, 100 - correct}, {100 - correct, correct}});
  }

  /** Registers the next version, with a real one-file bundle, scoring {@code correct} % on validation. */
  private int register(int correct) throws Exception {
    return register(MODEL, correct, Target.DOCUMENT);
  }

  private int register(String model, int correct, Target target) throws Exception {
    int version = registry.nextVersion(model);
    String location = registry.bundleLocation(model, version);
    SortedMap<String, String> digests =
        ModelBundle.write(location, Map.of("labels.json", "[\"negative\",\"positive\"]".getBytes(StandardCharsets.UTF_8)),
            spark.sparkContext().hadoopConfiguration());
    registry.register(
        new ModelRegistry.Candidate(
            model, version, "review", "all-minilm-l6-v2", LABELS, "tok@1/max256", location, ModelBundle.checksum(digests),
            digests, metrics(correct), metrics(correct), metrics(80), metrics(80), "run-" + version,
            Timestamp.valueOf("2026-11-28 10:00:00"), target),
        0.01);
    return version;
  }

  private InProcessCli.Outcome models(String... args) {
    List<String> all = new ArrayList<>(List.of("models"));
    all.addAll(List.of(args));
    all.addAll(List.of("--set", "warehouse=" + warehouseRoot));
    return InProcessCli.run(spark, all);
  }

  private static InProcessCli.Outcome ok(InProcessCli.Outcome outcome) {
    assertThat(outcome.exitCode()).as(outcome.describe(List.of("models"))).isZero();
    return outcome;
  }

  private List<String> statuses() {
    return registry.versions().collectAsList().stream()
        .map(r -> r.<Integer>getAs("version") + ":" + r.getAs("status")).toList();
  }

  /** ml.model_events as "version action from->to reason", in the order they were written. */
  private List<String> events() {
    return spark.read().format("delta").load(warehouseRoot + "/ml/model_events").orderBy("changed_at", "version")
        .collectAsList().stream()
        .map(r -> r.<Integer>getAs("version") + " " + r.getAs("action") + " " + r.getAs("from_status") + "->"
            + r.getAs("to_status") + " by " + r.getAs("changed_by"))
        .toList();
  }

  private Row row(int version) {
    return registry.version(MODEL, version);
  }

  @Test
  void promoteCrownsTheVersionRetiresTheChampionAndRecordsWhoWhenWhy(TestInfo test) throws Exception {
    freshWarehouse(test);
    register(90);
    register(85);
    assertThat(statuses()).as("v2 does not beat v1").containsExactly("1:champion", "2:challenger");

    ok(models("promote", MODEL, "2", "--reason", "v1 drifts on new products"));

    assertThat(statuses()).containsExactly("1:retired", "2:champion");
    assertThat(registry.champion("review")).get().extracting(ModelRegistry.Champion::version).isEqualTo(2);
    assertThat(row(2).<String>getAs("status_changed_by")).isEqualTo(USER);
    assertThat(row(2).<String>getAs("status_reason")).isEqualTo("v1 drifts on new products");
    assertThat(row(2).<Timestamp>getAs("status_changed_at")).as("when").isNotNull();
    assertThat(row(1).<String>getAs("status_reason")).isEqualTo("superseded by review-sentiment v2: v1 drifts on new products");
    assertThat(row(1).<Timestamp>getAs("status_changed_at")).isEqualTo(row(2).<Timestamp>getAs("status_changed_at"));
    assertThat(events())
        .as("registration and promotion, each change of each version")
        .containsExactly(
            "1 register null->champion by " + USER, "2 register null->challenger by " + USER,
            "1 promote champion->retired by " + USER, "2 promote challenger->champion by " + USER);
    assertThat(spark.read().format("delta").load(warehouseRoot + "/ml/model_events")
            .where(col("action").equalTo("promote").and(col("version").equalTo(2))).first().<String>getAs("reason"))
        .isEqualTo("v1 drifts on new products");

    InProcessCli.Outcome again = ok(models("promote", MODEL, "2", "--reason", "again"));
    assertThat(again.out()).contains("already champion");
    assertThat(events()).as("a no-op records nothing").hasSize(4);
  }

  /**
   * A bundle in the layout from before bundle.json (a MiniLM classifier, random head) gets its ONNX
   * export: files and digests land in the bundle and ml.models, the bundle verifies, a second
   * export changes nothing, and a changed model.onnx is then refused by the registry's digests.
   */
  @Test
  void exportOnnxAddsTheOnnxFilesToAnOlderBundleAndRecordsTheirDigests(TestInfo test) throws Exception {
    freshWarehouse(test);
    int version = registry.nextVersion(MODEL);
    String location = registry.bundleLocation(MODEL, version);
    Map<String, byte[]> files = new java.util.TreeMap<>();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      SentimentClassifier classifier =
          new SentimentClassifier(EncoderImporter.load("all-minilm-l6-v2", manager), Pooling.CLS, LABELS.size());
      classifier.initializeParameters(manager);
      java.io.ByteArrayOutputStream weights = new java.io.ByteArrayOutputStream();
      SafetensorsWriter.write(SafetensorsWriter.snapshot(classifier.parametersByHuggingFaceName()), "", weights);
      files.put(BundleSpec.WEIGHTS, weights.toByteArray());
      Path config = workDir.resolve("export-config.json");
      classifier.encoder().config().writeHuggingFaceJson(config);
      files.put(BundleSpec.MODEL_CONFIG, Files.readAllBytes(config));
    }
    files.put(BundleSpec.LABELS, "[\"negative\",\"positive\"]".getBytes(StandardCharsets.UTF_8));
    files.put(BundleSpec.TRAINING_CONFIG,
        "{\"encoder-weights\":\"all-minilm-l6-v2\",\"pooling\":\"cls\",\"max-length\":\"128\"}".getBytes(StandardCharsets.UTF_8));
    SortedMap<String, String> digests = ModelBundle.write(location, files, spark.sparkContext().hadoopConfiguration());
    registry.register(
        new ModelRegistry.Candidate(
            MODEL, version, "review", "all-minilm-l6-v2", LABELS, "tok@1/max128", location, ModelBundle.checksum(digests),
            digests, metrics(90), metrics(90), metrics(80), metrics(80), "run-" + version, Timestamp.valueOf("2026-11-28 10:00:00")),
        0.01);

    InProcessCli.Outcome export = ok(models("export-onnx", MODEL, Integer.toString(version)));
    assertThat(export.out()).contains("Exported " + MODEL + " v1: added bundle.json, model.int8.onnx, model.onnx");
    ModelRegistry.Champion champion = registry.champion("review").orElseThrow();
    assertThat(champion.bundleFiles()).containsKeys(BundleSpec.FILE, BundleSpec.ONNX_FP32, BundleSpec.ONNX_INT8);
    assertThat(champion.bundleChecksum()).isNotEqualTo(ModelBundle.checksum(digests));
    Map<String, byte[]> read = ModelBundle.readVerified(champion, spark.sparkContext().hadoopConfiguration());
    BundleSpec spec = BundleSpec.read(read, "exported");
    assertThat(spec.onnxInt8()).isEqualTo(BundleSpec.ONNX_INT8);
    assertThat(spec.pooling()).isEqualTo(Pooling.CLS);
    assertThat(ModelBundle.readVerified(location, spark.sparkContext().hadoopConfiguration())).containsKey(BundleSpec.ONNX_FP32);

    assertThat(ok(models("export-onnx", MODEL, Integer.toString(version))).out()).contains("already has model.onnx");

    Path onnx = Path.of(location, BundleSpec.ONNX_FP32);
    byte[] tampered = Files.readAllBytes(onnx);
    tampered[tampered.length / 3] ^= 1;
    Files.write(onnx, tampered);
    assertThatThrownBy(() -> ModelBundle.readVerified(registry.champion("review").orElseThrow(), spark.sparkContext().hadoopConfiguration()))
        .hasMessageContaining("model.onnx has sha256");
  }

  @Test
  void rollbackRestoresTheChampionBeforeTheCurrentOneAndTwoRollbacksSwapBack(TestInfo test) throws Exception {
    freshWarehouse(test);
    register(90);
    register(95);
    assertThat(statuses()).containsExactly("1:retired", "2:champion");

    InProcessCli.Outcome back = ok(models("rollback", "--domain", "review", "--reason", "v2 alerts on noise"));
    assertThat(back.out()).contains("review-sentiment v1: retired -> champion", "review-sentiment v2: champion -> retired");
    assertThat(statuses()).containsExactly("1:champion", "2:retired");
    assertThat(row(2).<String>getAs("status_reason")).isEqualTo("rolled back to review-sentiment v1: v2 alerts on noise");

    ok(models("rollback", "--domain", "review", "--reason", "v2 was fine"));
    assertThat(statuses()).containsExactly("1:retired", "2:champion");
    assertThat(events()).filteredOn(e -> e.contains("rollback")).hasSize(4);

    InProcessCli.Outcome none = models("rollback", "--domain", "news", "--reason", "no news model");
    assertThat(none.exitCode()).isEqualTo(64);
    assertThat(none.err()).contains("No earlier news champion", "pipeline models list --domain news", "pipeline models promote");
  }

  @Test
  void rollbackOfATargetLeavesTheOtherTargetsChampionAlone(TestInfo test) throws Exception {
    freshWarehouse(test);
    register(90);
    register("review-entity", 85, Target.ENTITY); // both beat the TF-IDF baseline's 80, so each became champion
    register("review-entity", 88, Target.ENTITY);
    assertThat(ok(models("list", "--domain", "review")).out()).contains("| target", "| entity", "| document");

    InProcessCli.Outcome back =
        ok(models("rollback", "--domain", "review", "--target", "entity", "--reason", "v2 misreads pairs"));
    assertThat(back.out()).contains("review-entity v1: retired -> champion", "review-entity v2: champion -> retired");
    assertThat(registry.champion("review", Target.ENTITY).orElseThrow().version()).isEqualTo(1);
    assertThat(registry.champion("review").orElseThrow().modelName()).isEqualTo(MODEL);

    InProcessCli.Outcome wrong = models("rollback", "--domain", "review", "--target", "sentence", "--reason", "x");
    assertThat(wrong.exitCode()).isEqualTo(64);
    assertThat(wrong.err()).contains("--target", "must be document or entity, got 'sentence'");
  }

  @Test
  void retireRefusesTheChampionUnlessForced(TestInfo test) throws Exception {
    freshWarehouse(test);
    register(90);
    register(85);

    ok(models("retire", MODEL, "2", "--reason", "never used"));
    assertThat(statuses()).containsExactly("1:champion", "2:retired");

    InProcessCli.Outcome refused = models("retire", MODEL, "1", "--reason", "stop scoring");
    assertThat(refused.exitCode()).isEqualTo(64);
    assertThat(refused.err()).contains("is the review champion", "--force", "pipeline models rollback --domain review");
    assertThat(statuses()).containsExactly("1:champion", "2:retired");

    ok(models("retire", MODEL, "1", "--reason", "stop scoring", "--force"));
    assertThat(statuses()).containsExactly("1:retired", "2:retired");
    assertThat(registry.champion("review")).isEmpty();
    assertThat(events()).contains("2 retire challenger->retired by " + USER, "1 retire champion->retired by " + USER);

    assertThat(ok(models("retire", MODEL, "2", "--reason", "again")).out()).contains("already retired");
  }

  @Test
  void anUnknownModelOrVersionIsAUsageErrorThatSaysToList(TestInfo test) throws Exception {
    freshWarehouse(test);
    register(90);

    InProcessCli.Outcome unknownModel = models("show", "nope", "1");
    assertThat(unknownModel.exitCode()).isEqualTo(64);
    assertThat(unknownModel.err()).contains("No model named 'nope'", "pipeline models list");

    InProcessCli.Outcome unknownVersion = models("promote", MODEL, "9", "--reason", "typo");
    assertThat(unknownVersion.exitCode()).isEqualTo(64);
    assertThat(unknownVersion.err()).contains("review-sentiment has no version 9", "(it has [1])", "pipeline models list");

    assertThat(models("promote", MODEL, "1").exitCode()).as("--reason is required").isEqualTo(64);
    assertThat(models("promote", MODEL, "1", "--reason", " ").exitCode()).as("a blank reason").isEqualTo(64);
  }

  @Test
  void promoteRefusesAVersionWhoseBundleNoLongerMatchesTheRegistry(TestInfo test) throws Exception {
    freshWarehouse(test);
    register(90);
    int second = register(85);
    Files.writeString(Path.of(registry.bundleLocation(MODEL, second), "labels.json"), "[\"tampered\"]");

    InProcessCli.Outcome refused = models("promote", MODEL, "2", "--reason", "try it");

    assertThat(refused.exitCode()).as("bad input").isEqualTo(65);
    assertThat(refused.err()).contains("Refusing to make review-sentiment v2 champion", "labels.json");
    assertThat(statuses()).containsExactly("1:champion", "2:challenger");
    assertThat(events()).noneMatch(e -> e.contains("promote"));
  }

  @Test
  void listAndShowPrintTheRegistry(TestInfo test) throws Exception {
    freshWarehouse(test);
    register(90);
    register(85);

    String list = ok(models("list", "--domain", "review")).out();
    assertThat(list).contains("| model_name", "| version", "| status", "| val_macro_f1", "| baseline", "| created_at", "| decision");
    assertThat(list).contains("champion", "challenger", "0.9000", "0.8000", "not promoted");
    assertThat(ok(models("list", "--domain", "news")).out()).contains("No model versions for news");

    ok(models("promote", MODEL, "2", "--reason", "better on recent data"));
    String show = ok(models("show", MODEL, "2")).out();
    assertThat(show).contains("| bundle_checksum", "| status_changed_by", "| status_reason", "better on recent data", "run-2");
    assertThat(show).contains("bundle: " + registry.bundleLocation(MODEL, 2), "training run: run-2 (not in ml.training_runs)");
    assertThat(show).contains("status history (ml.model_events):", "register", "promote", "challenger", USER);
  }

  @Test
  void aTableFromBeforeTheStatusColumnsTakesThemOn(TestInfo test) throws Exception {
    freshWarehouse(test);
    String location = registry.bundleLocation(MODEL, 1);
    SortedMap<String, String> digests =
        ModelBundle.write(location, Map.of("labels.json", "[]".getBytes(StandardCharsets.UTF_8)), spark.sparkContext().hadoopConfiguration());
    StructType old =
        new StructType().add("model_name", DataTypes.StringType).add("version", DataTypes.IntegerType)
            .add("domain", DataTypes.StringType).add("bundle_path", DataTypes.StringType)
            .add("bundle_checksum", DataTypes.StringType).add("val_macro_f1", DataTypes.DoubleType)
            .add("status", DataTypes.StringType);
    spark.createDataFrame(List.of(RowFactory.create(MODEL, 1, "review", location, ModelBundle.checksum(digests), 0.7, "challenger")), old)
        .write().format("delta").save(warehouseRoot + "/ml/models");

    ok(models("promote", MODEL, "1", "--reason", "the only one"));
    assertThat(row(1).<String>getAs("status")).isEqualTo("champion");
    assertThat(row(1).<String>getAs("status_reason")).isEqualTo("the only one");
    assertThat(spark.read().format("delta").load(warehouseRoot + "/ml/models").columns())
        .as("schema evolution").contains("status_changed_by", "status_changed_at", "status_reason", "bundle_files");

    register(95);
    assertThat(statuses()).as("a registration on the evolved table").containsExactly("1:retired", "2:champion");
  }
}
