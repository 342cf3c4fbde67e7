package io.sentimentpipeline.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.StageLease;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.config.Target;
import io.sentimentpipeline.jobs.registry.ModelBundle;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.jobs.registry.Promotion;
import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import io.sentimentpipeline.udfs.model.SafetensorsWriter;
import io.sentimentpipeline.udfs.score.BundleExport;
import io.sentimentpipeline.udfs.score.BundleSpec;
import io.sentimentpipeline.udfs.train.TrainerConfig;
import io.sentimentpipeline.udfs.train.TrainingExample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.resource.ExecutorResourceRequests;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag$;

/**
 * Train: fine-tunes the configured encoder on one domain's labelled documents (or, with {@code
 * train.target = entity}, its labelled (document, entity) pairs, see {@link EntityPairs}) in a Spark barrier
 * stage (data-parallel tasks, GPUs requested for this stage only when configured), compares it with
 * a TF-IDF baseline on the same split, writes a model bundle with a report, records the run in
 * {@code ml.training_runs} and the version in {@code ml.models}, and promotes it to champion only if
 * it beats the champion and the baseline.
 */
public final class TrainJob {

  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  private static final List<String> LABEL_ORDER = List.of("negative", "neutral", "positive");

  private TrainJob() {}

  /** The run's outcome. */
  public record Result(
      String modelName,
      int version,
      String bundle,
      ClassificationMetrics validation,
      ClassificationMetrics test,
      TfidfBaseline.Result baseline,
      Promotion promotion,
      int trainExamples,
      double seconds) {

    @Override
    public String toString() {
      return String.format(
          "%s v%d: validation macro-F1 %.4f (baseline %.4f), test macro-F1 %.4f (baseline %.4f); %s; bundle %s",
          modelName, version, validation.macroF1(), baseline.validation().macroF1(), test.macroF1(),
          baseline.test().macroF1(), promotion.reason(), bundle);
    }
  }

  /** @param limit at most this many labelled documents (before the split); 0 = all */
  public static Result run(SparkSession spark, Warehouse warehouse, TrainConfig train, long limit) {
    try (StageLease lease = StageLease.acquire(warehouse, "train")) {
      return runHoldingLease(spark, warehouse, train, limit);
    }
  }

  private static Result runHoldingLease(SparkSession spark, Warehouse warehouse, TrainConfig train, long limit) {
    Instant started = Instant.now();
    Domain domain = train.domain();
    String tokenizerId = train.tokenize().tokenizer().tokenizerId();
    spark.sparkContext().setJobDescription("train " + domain.key() + " with " + tokenizerId);

    boolean pairs = train.target() == Target.ENTITY;
    Dataset<Row> examples =
        pairs
            ? EntityPairs.labelled(spark, warehouse, domain, train.tokenize().tokenizer(), limit)
            : labelled(spark, warehouse, domain, tokenizerId, limit);
    Dataset<Row> split = DataSplit.sample(DataSplit.assign(examples, train.split()), train.split()).cache();
    List<String> labels = labelsOf(split, domain);
    Dataset<Row> indexed = split.withColumn("label_index", DataSplit.labelIndex(labels));

    TfidfBaseline.Result baseline = TfidfBaseline.fitAndEvaluate(split, labels, train.baseline());
    LOG.info("Baseline: validation macro-F1 {}, test macro-F1 {}", baseline.validation().macroF1(), baseline.test().macroF1());

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<List<TrainingExample>> validation = jsc.broadcast(examples(indexed, DataSplit.VALIDATION));
    Broadcast<List<TrainingExample>> test = jsc.broadcast(examples(indexed, DataSplit.TEST));
    // Deterministic shards: a document always trains on the same task for a given task count.
    JavaRDD<TrainingExample> trainRdd =
        examplesRdd(indexed)
            .keyBy(TrainingExample::docId)
            .partitionBy(new HashPartitioner(train.tasks()))
            .values();
    int trainExamples = (int) trainRdd.count();

    ModelRegistry registry = new ModelRegistry(spark, warehouse);
    String modelName = modelName(domain, train.target());
    int version = registry.nextVersion(modelName);
    String bundle = registry.bundleLocation(modelName, version);
    String checkpoints = train.checkpointDir().isBlank() ? "" : train.checkpointDir() + "/" + modelName + "-v" + version;
    List<TrainTask.Outcome> outcomes = runBarrierStage(train, labels, checkpoints, trainRdd, validation, test);
    TrainTask.Outcome chief = outcomes.stream().filter(o -> o.partition() == 0).findFirst().orElseThrow();
    String runId = UUID.randomUUID().toString();
    Map<String, String> params = params(train, labels, trainExamples);
    Map<String, String> bundleFiles =
        writeBundle(spark, train, bundle, chief, labels, params, baseline, modelName + " v" + version);
    ModelRegistry.Candidate candidate =
        new ModelRegistry.Candidate(
            modelName, version, domain.key(), train.tokenize().tokenizer().encoder(), labels, tokenizerId, bundle,
            ModelBundle.checksum(bundleFiles), bundleFiles, chief.history().best().validation(), chief.test(), baseline.validation(), baseline.test(), runId,
            Timestamp.from(Instant.now()), train.target());
    List<String> devices =
        outcomes.stream().sorted(Comparator.comparingInt(TrainTask.Outcome::partition)).map(TrainTask.Outcome::device).toList();
    LOG.info("Trained on {}", devices);
    registry.recordRun(candidate, params, chief.history(), devices, Timestamp.from(started), Timestamp.from(Instant.now()));
    Promotion promotion = registry.register(candidate, train.promotionMargin());
    split.unpersist();
    double seconds = (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
    Result result =
        new Result(modelName, version, bundle, chief.history().best().validation(), chief.test(), baseline, promotion, trainExamples, seconds);
    return result;
  }

  /** {@code news-sentiment} for a document model, {@code news-entity-sentiment} for an entity model. */
  public static String modelName(Domain domain, Target target) {
    return domain.key() + (target == Target.ENTITY ? "-entity" : "") + "-sentiment";
  }

  /** Labelled documents of the domain with this tokenizer's ids. */
  static Dataset<Row> labelled(SparkSession spark, Warehouse warehouse, Domain domain, String tokenizerId, long limit) {
    for (TableName table : List.of(TableName.DOCUMENTS, TableName.TOKENS)) {
      if (!warehouse.exists(spark, table)) {
        throw new PipelineException(
            ErrorCategory.BAD_INPUT, table + " does not exist in " + warehouse.root() + ": run `./pipeline run` first.");
      }
    }
    Dataset<Row> documents =
        warehouse.read(spark, TableName.DOCUMENTS)
            .where(col("domain").equalTo(domain.key()).and(col("label").isNotNull()))
            .select("doc_id", "source", "label");
    Dataset<Row> tokens =
        warehouse.read(spark, TableName.TOKENS)
            .where(col("tokenizer_id").equalTo(tokenizerId))
            .select("doc_id", "input_ids", "norm_tokens");
    Dataset<Row> labelled = documents.join(tokens, "doc_id");
    return limit > 0 ? labelled.orderBy(xxhash64(col("doc_id"))).limit((int) limit) : labelled;
  }

  private static List<String> labelsOf(Dataset<Row> split, Domain domain) {
    Set<String> present = new HashSet<>();
    split.select("label").distinct().collectAsList().forEach(row -> present.add(row.getString(0)));
    List<String> labels = LABEL_ORDER.stream().filter(present::contains).toList();
    if (labels.size() < 2) {
      throw new PipelineException(
          ErrorCategory.BAD_INPUT,
          "Cannot train a " + domain.key() + " model: labelled documents have " + labels
              + "; at least two of negative/neutral/positive are needed (check the sources' label mappings).");
    }
    return labels;
  }

  private static List<TrainingExample> examples(Dataset<Row> indexed, String split) {
    List<TrainingExample> examples = new ArrayList<>();
    for (Row row : indexed.where(col("split").equalTo(split)).select(exampleColumns(indexed)).collectAsList()) {
      examples.add(toExample(row));
    }
    return examples;
  }

  private static JavaRDD<TrainingExample> examplesRdd(Dataset<Row> indexed) {
    return indexed
        .where(col("split").equalTo(DataSplit.TRAIN))
        .select(exampleColumns(indexed))
        .javaRDD()
        .map(TrainJob::toExample);
  }

  /** doc_id, input_ids, label_index and, for text pairs, token_type_ids. */
  private static Column[] exampleColumns(Dataset<Row> indexed) {
    List<String> columns = new ArrayList<>(List.of("doc_id", "input_ids", "label_index"));
    if (List.of(indexed.columns()).contains(EntityPairs.TOKEN_TYPE_IDS)) {
      columns.add(EntityPairs.TOKEN_TYPE_IDS);
    }
    return columns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  private static TrainingExample toExample(Row row) {
    long[] types = row.size() > 3 ? longs(row.getList(3)) : null;
    return new TrainingExample(row.getString(0), longs(row.getList(1)), types, row.getInt(2));
  }

  private static long[] longs(List<Integer> ids) {
    long[] out = new long[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.get(i);
    }
    return out;
  }

  private static List<TrainTask.Outcome> runBarrierStage(
      TrainConfig train,
      List<String> labels,
      String checkpoints,
      JavaRDD<TrainingExample> trainRdd,
      Broadcast<List<TrainingExample>> validation,
      Broadcast<List<TrainingExample>> test) {
    RDD<TrainingExample> rdd = trainRdd.rdd();
    if (train.gpusPerTask() > 0) {
      rdd = rdd.withResources(gpuProfile(train, rdd.sparkContext().conf().getBoolean("spark.dynamicAllocation.enabled", false)));
    }
    RDD<TrainTask.Outcome> outcomes =
        rdd.barrier()
            .mapPartitions(
                new TrainTask(train.trainer(), labels, train.encoderWeights(), checkpoints, validation, test),
                false,
                ClassTag$.MODULE$.apply(TrainTask.Outcome.class));
    // The shuffle makes the barrier stage a shuffle-map stage, which Spark reruns when a task fails
    // (up to spark.stage.maxConsecutiveAttempts; tasks resume from their epoch checkpoints); a
    // failed barrier stage that ends a job is aborted at once.
    return new JavaRDD<>(outcomes, ClassTag$.MODULE$.apply(TrainTask.Outcome.class)).repartition(1).collect();
  }

  /**
   * The training stage's resources: GPUs per task always; under dynamic allocation also the GPU
   * executors to start for it (a task-only profile would reuse the CPU executors).
   */
  static ResourceProfile gpuProfile(TrainConfig train, boolean dynamicAllocation) {
    ResourceProfileBuilder profile =
        new ResourceProfileBuilder().require(new TaskResourceRequests().cpus(1).resource("gpu", train.gpusPerTask()));
    if (dynamicAllocation) {
      GpuExecutorConfig executor = train.gpuExecutor();
      profile.require(
          new ExecutorResourceRequests()
              .cores(executor.cores())
              .memory(executor.memory())
              .memoryOverhead(executor.memoryOverhead())
              .resource("gpu", executor.gpus(), executor.discoveryScript(), executor.vendor()));
    }
    return profile.build();
  }

  private static Map<String, String> params(TrainConfig train, List<String> labels, int trainExamples) {
    TrainerConfig t = train.trainer();
    Map<String, String> params = new LinkedHashMap<>();
    params.put("encoder", train.tokenize().tokenizer().encoder());
    params.put("encoder-weights", train.encoderWeights());
    params.put("labels", String.join(",", labels));
    params.put("train-examples", Integer.toString(trainExamples));
    params.put("epochs", Integer.toString(t.epochs()));
    params.put("batch-size", Integer.toString(t.batchSize()));
    params.put("accumulation-steps", Integer.toString(t.accumulationSteps()));
    params.put("learning-rate", Float.toString(t.learningRate()));
    params.put("weight-decay", Float.toString(t.weightDecay()));
    params.put("warmup-fraction", Float.toString(t.warmupFraction()));
    params.put("max-grad-norm", Float.toString(t.maxGradNorm()));
    params.put("class-weights", Boolean.toString(t.classWeights()));
    params.put("patience", Integer.toString(t.patience()));
    params.put("seed", Long.toString(t.seed()));
    params.put("max-steps", Long.toString(t.maxSteps()));
    params.put("pooling", t.pooling().name().toLowerCase());
    params.put("dropout", Float.toString(t.dropout()));
    params.put("tasks", Integer.toString(train.tasks()));
    params.put("sync-every-steps", Integer.toString(t.syncEverySteps()));
    params.put("max-nonfinite-steps-in-a-row", Integer.toString(t.maxNonFiniteStepsInARow()));
    params.put("max-length", Integer.toString(train.tokenize().tokenizer().maxLength()));
    params.put("target", train.target().key());
    return params;
  }

  private static Map<String, String> writeBundle(
      SparkSession spark,
      TrainConfig train,
      String bundle,
      TrainTask.Outcome chief,
      List<String> labels,
      Map<String, String> params,
      TfidfBaseline.Result baseline,
      String title) {
    try {
      ObjectMapper json = new ObjectMapper();
      ByteArrayOutputStream weights = new ByteArrayOutputStream();
      SafetensorsWriter.write(chief.weights(), "", weights);
      Map<String, byte[]> files = new LinkedHashMap<>();
      files.put(BundleSpec.WEIGHTS, weights.toByteArray());
      files.put(BundleSpec.MODEL_CONFIG, chief.encoderConfigJson().getBytes(StandardCharsets.UTF_8));
      try (InputStream tokenizer = train.tokenize().tokenizer().open()) {
        files.put(BundleSpec.TOKENIZER, tokenizer.readAllBytes());
      }
      files.put(BundleSpec.LABELS, json.writeValueAsBytes(labels));
      files.put(BundleSpec.CALIBRATION, json.writeValueAsBytes(Map.of("temperature", chief.temperature())));
      files.put(BundleSpec.TRAINING_CONFIG, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(params));
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("validation", summary(chief.history().best().validation()));
      metrics.put("test", summary(chief.test()));
      metrics.put("baseline_validation", summary(baseline.validation()));
      metrics.put("baseline_test", summary(baseline.test()));
      metrics.put("best_epoch", chief.history().bestEpoch());
      metrics.put("steps", chief.history().steps());
      files.put("metrics.json", json.writerWithDefaultPrettyPrinter().writeValueAsBytes(metrics));
      files.put("report.html", TrainingReport.html(title, chief.history(), chief.test(), baseline.validation()).getBytes(StandardCharsets.UTF_8));
      BundleSpec spec =
          new BundleSpec(
              train.encoderWeights(), train.trainer().pooling(), train.tokenize().tokenizer().maxLength(), labels,
              chief.temperature(), train.target().inputKind(), null, null, "", BundleSpec.checksumsOf(files));
      files.putAll(onnx(files, spec, title));
      return ModelBundle.write(bundle, files, spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model bundle " + bundle, e);
    }
  }

  /**
   * The bundle's ONNX files and its {@code bundle.json}. An export that fails for another reason
   * than a base without ONNX graph is logged, not fatal: the trained model still scores with PyTorch.
   */
  private static Map<String, byte[]> onnx(Map<String, byte[]> files, BundleSpec spec, String title) throws IOException {
    BundleExport.Result export;
    try {
      export = BundleExport.export(files, spec, title);
    } catch (RuntimeException e) {
      LOG.warn("ONNX export of {} failed; it scores with PyTorch", title, e);
      export = new BundleExport.Result(Map.of(), spec.withOnnx(null, null, "export failed: " + e.getMessage(), Map.of()));
    }
    Map<String, byte[]> out = new LinkedHashMap<>(export.files());
    out.put(BundleSpec.FILE, export.spec().toJson());
    return out;
  }

  private static Map<String, Object> summary(ClassificationMetrics metrics) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("accuracy", metrics.accuracy());
    summary.put("macro_f1", metrics.macroF1());
    summary.put("labels", metrics.labels());
    summary.put("confusion", metrics.confusion());
    List<Map<String, Object>> perClass = new ArrayList<>();
    for (ClassificationMetrics.ClassScores scores : metrics.perClass()) {
      perClass.add(Map.of("label", scores.label(), "precision", scores.precision(), "recall", scores.recall(), "f1", scores.f1(), "support", scores.support()));
    }
    summary.put("per_class", perClass);
    return summary;
  }
}
