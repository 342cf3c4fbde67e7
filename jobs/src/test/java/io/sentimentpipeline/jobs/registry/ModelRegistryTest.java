package io.sentimentpipeline.jobs.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import io.sentimentpipeline.udfs.train.EpochResult;
import io.sentimentpipeline.udfs.train.TrainingHistory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class ModelRegistryTest extends SparkTestBase {

  private static final List<String> LABELS = List.of("negative", "positive");

  /** Binary metrics with the given number of correct answers out of 100 per class. */
  private static ClassificationMetrics metrics(int correctNegative, int correctPositive) {
    return new ClassificationMetrics(
        LABELS, new long[][] {{correctNegative, 100 - correctNegative}, {100 - correctPositive, correctPositive}});
  }

  private static ModelRegistry.Candidate candidate(ModelRegistry registry, int correct) {
    int version = registry.nextVersion("review-sentiment");
    return new ModelRegistry.Candidate(
        "review-sentiment", version, "review", "all-minilm-l6-v2", LABELS, "tok@1/max256",
        registry.bundleLocation("review-sentiment", version), "abc", Map.of(), metrics(correct, correct),
        metrics(correct, correct), metrics(80, 80), metrics(80, 80), "run-" + version,
        Timestamp.valueOf("2026-11-28 10:00:00"));
  }

  @Test
  void championOnlyWhenBeatingChampionAndBaseline() {
    ModelRegistry registry = new ModelRegistry(spark, new Warehouse(config().warehouse()));

    assertThat(registry.register(candidate(registry, 90), 0.01).promoted()).isTrue();
    assertThat(registry.register(candidate(registry, 85), 0.01).promoted()).as("worse than v1").isFalse();
    Promotion third = registry.register(candidate(registry, 95), 0.01);
    assertThat(third.promoted()).isTrue();
    assertThat(third.champion()).hasValue(0.9);

    assertThat(registry.championVersion("review")).hasValue(3);
    assertThat(spark.sql("select version, status from ml.models order by version").collectAsList())
        .extracting(row -> row.getInt(0) + ":" + row.getString(1))
        .containsExactly("1:retired", "2:challenger", "3:champion");
    assertThat(spark.sql("select decision from ml.models where version = 2").first().getString(0))
        .contains("not promoted", "champion 0.9000", "baseline 0.8000");
  }

  @Test
  void trainingRunsKeepParamsAndEpochs() {
    ModelRegistry registry = new ModelRegistry(spark, new Warehouse(config().warehouse()));
    TrainingHistory history =
        new TrainingHistory(
            List.of(new EpochResult(1, 5, 0.7, 0.6, metrics(70, 70), 10, 2), new EpochResult(2, 10, 0.5, 0.5, metrics(75, 80), 11, 2)),
            2, 10, false);
    registry.recordRun(candidate(registry, 90), Map.of("learning-rate", "5e-5"), history, List.of("gpu(0)", "gpu(1)"),
        Timestamp.valueOf("2026-11-28 10:00:00"), Timestamp.valueOf("2026-11-28 10:01:00"));

    var run = spark.sql("select params['learning-rate'], size(epochs), epochs[1].val_macro_f1, tasks, devices from ml.training_runs").first();
    assertThat(run.getString(0)).isEqualTo("5e-5");
    assertThat(run.getInt(1)).isEqualTo(2);
    assertThat(run.getDouble(2)).isEqualTo(metrics(75, 80).macroF1());
    assertThat(run.getInt(3)).isEqualTo(2);
    assertThat(run.<String>getList(4)).containsExactly("gpu(0)", "gpu(1)");
  }

  @Test
  void bundlesAreChecksummedAndNeverOverwritten() throws Exception {
    String location = workDir.resolve("bundle/1").toString();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    ModelBundle.write(location, Map.of("labels.json", "[\"negative\",\"positive\"]".getBytes(StandardCharsets.UTF_8)), hadoop);

    assertThat(ModelBundle.readVerified(location, hadoop)).containsKey("labels.json");
    assertThatThrownBy(() -> ModelBundle.write(location, Map.of(), hadoop)).hasMessageContaining("already exists");
    Files.writeString(Path.of(location, "labels.json"), "[\"tampered\"]");
    assertThatThrownBy(() -> ModelBundle.readVerified(location, hadoop)).hasMessageContaining("labels.json does not match");
  }
}
