package io.sentimentpipeline.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.jobs.Jobs;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.TinyEncoder;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import io.sentimentpipeline.jobs.cluster.ForkedPipeline;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.registry.ModelBundle;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.jobs.tokenize.TokenizeJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The training stage end to end on real Spark, Delta, DJL and the real MiniLM tokenizer, with a
 * tiny encoder (MiniLM's vocabulary, 2 layers of width 32, random weights saved as a Hugging Face
 * checkpoint) so that a few epochs take seconds on a CPU.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainJobTest extends SparkTestBase {

  private static final String[] POSITIVE = {"great", "love", "excellent", "perfect", "wonderful"};
  private static final String[] NEGATIVE = {"awful", "broken", "terrible", "refund", "useless"};
  private static final String[] FILLER = {"the", "kettle", "arrived", "it", "is", "and", "this", "was", "my", "box"};
  private static double oneTaskMacroF1;

  @BeforeAll
  static void labelledDocumentsAndATinyCheckpoint() throws Exception {
    Random random = new Random(5);
    List<Row> docs = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      boolean positive = i % 2 == 0;
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < 10; w++) {
        String[] pool = random.nextInt(3) == 0 ? (positive ? POSITIVE : NEGATIVE) : FILLER;
        text.append(pool[random.nextInt(pool.length)]).append(' ');
      }
      text.append("#").append(i);
      docs.add(RowFactory.create("d" + i, "review", "reviews", text.toString().trim(), positive ? "positive" : "negative"));
    }
    StructType schema =
        new StructType()
            .add("doc_id", DataTypes.StringType)
            .add("domain", DataTypes.StringType)
            .add("source", DataTypes.StringType)
            .add("text", DataTypes.StringType)
            .add("label", DataTypes.StringType);
    spark.createDataFrame(docs, schema).write().format("delta")
        .save(new Warehouse(config().warehouse()).location(TableName.DOCUMENTS));
    Jobs.tokenize(spark, config());

    TinyEncoder.checkpoint(workDir);
  }

  private static List<String> trainOverrides() {
    return List.of(
        "encoders.\"all-minilm-l6-v2\".weights=" + workDir.resolve("tiny-bert"),
        "train.epochs=6", "train.batch-size=16", "train.learning-rate=0.002", "train.warmup-fraction=0.05",
        "train.dropout=0", "train.sync-every-steps=2", "train.promotion-margin=0");
  }

  private static PipelineConfig trainConfig(String... more) {
    List<String> overrides = new ArrayList<>(trainOverrides());
    overrides.addAll(List.of(more));
    return config(overrides.toArray(String[]::new));
  }

  @Test
  @Order(1)
  void oneTaskTrainsRegistersAndWritesABundle() throws Exception {
    TrainJob.Result result = Jobs.train(spark, trainConfig(), Domain.REVIEW, 0);

    oneTaskMacroF1 = result.validation().macroF1();
    assertThat(oneTaskMacroF1).as("cue words are learnable").isGreaterThan(0.8);
    assertThat(result.version()).isEqualTo(1);
    assertThat(ModelBundle.readVerified(result.bundle(), spark.sparkContext().hadoopConfiguration()))
        .containsKeys("model.safetensors", "config.json", "tokenizer.json", "labels.json", "calibration.json", "training-config.json", "metrics.json", "report.html");
    Row model = spark.sql("select status, val_macro_f1, baseline_val_macro_f1, decision, labels from ml.models").first();
    assertThat(model.getString(0)).isIn(ModelRegistry.CHAMPION, ModelRegistry.CHALLENGER);
    assertThat(model.getString(3)).contains("baseline");
    assertThat(model.<String>getList(4)).containsExactly("negative", "positive");
    assertThat(spark.sql("select size(epochs), tasks from ml.training_runs").first().getInt(0)).isBetween(1, 6);
    assertThat(workDir.resolve("checkpoints/review-sentiment-v1/task-0")).as("removed after success").doesNotExist();
  }

  @Test
  @Order(2)
  void twoBarrierTasksAverageTheirWayToTheSameQuality() {
    TrainJob.Result result = Jobs.train(spark, trainConfig("train.tasks=2"), Domain.REVIEW, 0);

    assertThat(result.version()).isEqualTo(2);
    assertThat(result.validation().macroF1()).isCloseTo(oneTaskMacroF1, org.assertj.core.data.Offset.offset(0.01));
    assertThat(spark.sql("select tasks from ml.training_runs where version = 2").first().getInt(0)).isEqualTo(2);
  }

  /**
   * The GPU stage as a cluster schedules it: a {@code local-cluster} master (a standalone Master
   * and two Workers, each executor its own JVM with 1 core and 1 "gpu" found by a discovery
   * script), the training stage's task resource profile asking 1 gpu per task, parameters averaged
   * across the two executor JVMs. No CUDA here, so each task falls back to the CPU and says so.
   */
  @Test
  @Order(3)
  void twoGpuTasksOnSeparateExecutorJvmsMatchTheOneTaskRun() throws Exception {
    ForkedPipeline forked = new ForkedPipeline(workDir);
    List<String> args = new ArrayList<>(List.of("train", "--domain", "review"));
    List<String> overrides = new ArrayList<>(trainOverrides());
    overrides.addAll(List.of(
        "warehouse=" + workDir.resolve("warehouse"),
        "train.checkpoint-dir=" + workDir.resolve("checkpoints"),
        "train.tasks=2",
        "train.gpus-per-task=1",
        "spark.master=local-cluster[2,1,2560]",
        "spark.conf.\"spark.executor.memory\"=2g",
        "spark.conf.\"spark.executor.extraJavaOptions\"=" + ForkedPipeline.executorJavaOptions(),
        "spark.conf.\"spark.worker.resource.gpu.amount\"=1",
        "spark.conf.\"spark.worker.resource.gpu.discoveryScript\"=" + forked.gpuDiscoveryScript("0"),
        "spark.conf.\"spark.executor.resource.gpu.amount\"=1"));
    overrides.forEach(o -> args.addAll(List.of("--set", o)));

    ForkedPipeline.Outcome outcome =
        forked.run("io.sentimentpipeline.jobs.cli.PipelineCli", args, workDir.resolve("cluster-train.log"), 10);

    assertThat(outcome.exitCode()).as("forked train on local-cluster:%n%s", outcome.tail()).isZero();
    Row run = spark.sql("select devices from ml.training_runs where version = 3").first();
    assertThat(run.<String>getList(0)).as("each task got Spark's gpu 0 of its executor")
        .containsExactly("cpu (gpu 0 assigned, no CUDA)", "cpu (gpu 0 assigned, no CUDA)");
    double macroF1 = spark.sql("select val_macro_f1 from ml.models where version = 3").first().getDouble(0);
    assertThat(macroF1).as("within 1 point of the 1-task run").isCloseTo(oneTaskMacroF1, org.assertj.core.data.Offset.offset(0.01));
  }

  /**
   * A failed training task fails its whole barrier stage, and the scheduler runs the stage again
   * instead of aborting the job. Here the first attempt fails writing its epoch checkpoint: the
   * checkpoint folder is a plain file until the first task failure removes it.
   */
  @Test
  @Order(4)
  void aFailedTrainingStageIsRunAgainNotAborted() throws Exception {
    Path blocked = Files.writeString(workDir.resolve("checkpoints-blocked"), "a file where the checkpoint folder goes");
    AtomicInteger failedTasks = new AtomicInteger();
    SparkListener unblock =
        new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd end) {
            if (!end.taskInfo().successful() && failedTasks.incrementAndGet() == 1) {
              blocked.toFile().delete();
            }
          }
        };
    spark.sparkContext().addSparkListener(unblock);
    try {
      TrainJob.Result result = Jobs.train(spark, trainConfig("train.checkpoint-dir=" + blocked, "train.epochs=2"), Domain.REVIEW, 0);

      assertThat(failedTasks.get()).as("the first attempt failed").isPositive();
      assertThat(result.validation().macroF1()).as("the next attempt trained").isGreaterThan(0.6);
    } finally {
      spark.sparkContext().removeSparkListener(unblock);
    }
  }
}
