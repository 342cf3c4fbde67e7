package io.sentimentpipeline.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.delta.tables.DeltaTable;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import io.sentimentpipeline.udfs.train.EpochResult;
import io.sentimentpipeline.udfs.train.TrainingHistory;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The model registry: {@code ml.models} (one row per model version, with its scores, the baseline's
 * and the promotion decision; exactly one {@code champion} per domain) and {@code
 * ml.training_runs} (parameters, per-epoch metrics and timings of every run).
 */
public final class ModelRegistry {

  public static final TableName MODELS = new TableName("ml", "models");
  public static final TableName RUNS = new TableName("ml", "training_runs");
  public static final String CHAMPION = "champion";
  public static final String CHALLENGER = "challenger";
  public static final String RETIRED = "retired";

  static final StructType MODELS_SCHEMA =
      new StructType()
          .add("model_name", DataTypes.StringType, false)
          .add("version", DataTypes.IntegerType, false)
          .add("domain", DataTypes.StringType)
          .add("base_encoder", DataTypes.StringType)
          .add("labels", DataTypes.createArrayType(DataTypes.StringType))
          .add("tokenizer_id", DataTypes.StringType)
          .add("bundle_path", DataTypes.StringType)
          .add("bundle_checksum", DataTypes.StringType)
          .add("bundle_files", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add("val_accuracy", DataTypes.DoubleType)
          .add("val_macro_f1", DataTypes.DoubleType)
          .add("test_accuracy", DataTypes.DoubleType)
          .add("test_macro_f1", DataTypes.DoubleType)
          .add("baseline_val_macro_f1", DataTypes.DoubleType)
          .add("baseline_test_macro_f1", DataTypes.DoubleType)
          .add("champion_val_macro_f1_before", DataTypes.DoubleType)
          .add("status", DataTypes.StringType)
          .add("decision", DataTypes.StringType)
          .add("run_id", DataTypes.StringType)
          .add("created_at", DataTypes.TimestampType);

  static final StructType EPOCH =
      new StructType()
          .add("epoch", DataTypes.IntegerType)
          .add("step", DataTypes.LongType)
          .add("train_loss", DataTypes.DoubleType)
          .add("val_loss", DataTypes.DoubleType)
          .add("val_accuracy", DataTypes.DoubleType)
          .add("val_macro_f1", DataTypes.DoubleType)
          .add("samples_per_s", DataTypes.DoubleType)
          .add("seconds", DataTypes.DoubleType);

  static final StructType RUNS_SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("model_name", DataTypes.StringType)
          .add("version", DataTypes.IntegerType)
          .add("domain", DataTypes.StringType)
          .add("base_encoder", DataTypes.StringType)
          .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add("epochs", DataTypes.createArrayType(EPOCH))
          .add("best_epoch", DataTypes.IntegerType)
          .add("steps", DataTypes.LongType)
          .add("stopped_early", DataTypes.BooleanType)
          .add("tasks", DataTypes.IntegerType)
          .add("devices", DataTypes.createArrayType(DataTypes.StringType))
          .add("started_at", DataTypes.TimestampType)
          .add("finished_at", DataTypes.TimestampType);

  /** What a training run produced, ready to be registered. */
  public record Candidate(
      String modelName,
      int version,
      String domain,
      String baseEncoder,
      List<String> labels,
      String tokenizerId,
      String bundlePath,
      String bundleChecksum,
      Map<String, String> bundleFiles,
      ClassificationMetrics validation,
      ClassificationMetrics test,
      ClassificationMetrics baselineValidation,
      ClassificationMetrics baselineTest,
      String runId,
      Timestamp createdAt) {}

  private final SparkSession spark;
  private final Warehouse warehouse;

  public ModelRegistry(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
  }

  public String bundleLocation(String modelName, int version) {
    return warehouse.root() + "/models/" + modelName + "/" + version;
  }

  /** 1 for a new model name, else one more than the highest version registered. */
  public int nextVersion(String modelName) {
    if (!warehouse.exists(spark, MODELS)) {
      return 1;
    }
    Row row = models().where(col("model_name").equalTo(modelName)).agg(max("version")).first();
    return row.isNullAt(0) ? 1 : row.getInt(0) + 1;
  }

  /**
   * What scoring needs to know of a domain's champion; {@code bundleFiles} (file name to SHA-256,
   * empty for versions registered before it was recorded) is what its bundle is verified against.
   * Serializable: executors verify the files they read against it.
   */
  public record Champion(
      String modelName, int version, String domain, String bundlePath, String bundleChecksum, Map<String, String> bundleFiles,
      String tokenizerId) implements Serializable {
    public Champion {
      bundleFiles = bundleFiles == null ? Map.of() : new TreeMap<>(bundleFiles);
    }

    /** "review-sentiment v3", for messages. */
    public String describe() {
      return modelName + " v" + version;
    }
  }

  /** The domain's champion, if it has one. */
  public Optional<Champion> champion(String domain) {
    if (!warehouse.exists(spark, MODELS)) {
      return Optional.empty();
    }
    return models()
        .where(col("domain").equalTo(domain).and(col("status").equalTo(CHAMPION)))
        .collectAsList().stream()
        .findFirst()
        .map(r -> new Champion(
            r.getAs("model_name"), r.<Integer>getAs("version"), domain, r.getAs("bundle_path"), r.getAs("bundle_checksum"),
            hasColumn(r, "bundle_files") && !r.isNullAt(r.fieldIndex("bundle_files")) ? r.getJavaMap(r.fieldIndex("bundle_files")) : null,
            r.getAs("tokenizer_id")));
  }

  /** The domain's champion (version and validation macro-F1), if any. */
  public OptionalInt championVersion(String domain) {
    List<Row> rows = championRows(domain);
    return rows.isEmpty() ? OptionalInt.empty() : OptionalInt.of(rows.get(0).getInt(1));
  }

  private OptionalDouble championScore(String domain) {
    List<Row> rows = championRows(domain);
    return rows.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(rows.get(0).getDouble(2));
  }

  private List<Row> championRows(String domain) {
    if (!warehouse.exists(spark, MODELS)) {
      return List.of();
    }
    return models()
        .where(col("domain").equalTo(domain).and(col("status").equalTo(CHAMPION)))
        .select("model_name", "version", "val_macro_f1")
        .collectAsList();
  }

  /**
   * Registers the candidate and, if it beats the champion and the baseline by {@code margin},
   * makes it champion and retires the previous one, in one Delta commit.
   */
  public Promotion register(Candidate candidate, double margin) {
    OptionalDouble champion = championScore(candidate.domain());
    Promotion decision =
        Promotion.decide(candidate.validation().macroF1(), champion, candidate.baselineValidation().macroF1(), margin);
    List<Row> rows = new ArrayList<>();
    rows.add(modelRow(candidate, champion, decision));
    if (decision.promoted()) {
      for (Row previous : championRows(candidate.domain())) {
        rows.add(RowFactory.create(previous.getString(0), previous.getInt(1), RETIRED));
      }
    }
    createIfMissing(MODELS, MODELS_SCHEMA);
    Dataset<Row> updates = spark.createDataFrame(rows.subList(0, 1), MODELS_SCHEMA);
    if (rows.size() > 1) {
      StructType keys =
          new StructType()
              .add("model_name", DataTypes.StringType)
              .add("version", DataTypes.IntegerType)
              .add("status", DataTypes.StringType);
      updates = updates.unionByName(spark.createDataFrame(rows.subList(1, rows.size()), keys), true);
    }
    DeltaTable.forPath(spark, warehouse.location(MODELS))
        .as("t")
        .merge(updates.as("s"), "t.model_name = s.model_name AND t.version = s.version")
        .withSchemaEvolution() // tables from before a column was added take it on
        .whenMatched()
        .updateExpr(Map.of("status", "s.status"))
        .whenNotMatched()
        .insertAll()
        .execute();
    warehouse.register(spark, MODELS);
    return decision;
  }

  /**
   * Appends one row to ml.training_runs.
   *
   * @param devices where each barrier task trained, by task index
   */
  public void recordRun(
      Candidate candidate, Map<String, String> params, TrainingHistory history, List<String> devices, Timestamp startedAt, Timestamp finishedAt) {
    List<Row> epochs = new ArrayList<>();
    for (EpochResult e : history.epochs()) {
      epochs.add(
          RowFactory.create(
              e.epoch(), e.step(), e.trainLoss(), e.validationLoss(), e.validation().accuracy(),
              e.validation().macroF1(), e.samplesPerSecond(), e.seconds()));
    }
    Row run =
        RowFactory.create(
            candidate.runId(), candidate.modelName(), candidate.version(), candidate.domain(), candidate.baseEncoder(),
            scala.collection.JavaConverters.mapAsScalaMap(params), scala.collection.JavaConverters.asScalaBuffer(epochs),
            history.bestEpoch(), history.steps(), history.stoppedEarly(), devices.size(),
            scala.collection.JavaConverters.asScalaBuffer(devices), startedAt, finishedAt);
    createIfMissing(RUNS, RUNS_SCHEMA);
    spark.createDataFrame(List.of(run), RUNS_SCHEMA).write().format("delta").mode("append")
        .option("mergeSchema", "true") // tables from before a column was added take it on
        .save(warehouse.location(RUNS));
    warehouse.register(spark, RUNS);
  }

  private Dataset<Row> models() {
    return spark.read().format("delta").load(warehouse.location(MODELS));
  }

  private static boolean hasColumn(Row row, String name) {
    return java.util.Arrays.asList(row.schema().fieldNames()).contains(name);
  }

  private void createIfMissing(TableName table, StructType schema) {
    DeltaTable.createIfNotExists(spark).location(warehouse.location(table)).addColumns(schema).execute();
  }

  private static Row modelRow(Candidate c, OptionalDouble champion, Promotion decision) {
    return RowFactory.create(
        c.modelName(), c.version(), c.domain(), c.baseEncoder(), scala.collection.JavaConverters.asScalaBuffer(c.labels()),
        c.tokenizerId(), c.bundlePath(), c.bundleChecksum(), scala.collection.JavaConverters.mapAsScalaMap(c.bundleFiles()),
        c.validation().accuracy(), c.validation().macroF1(),
        c.test().accuracy(), c.test().macroF1(), c.baselineValidation().macroF1(), c.baselineTest().macroF1(),
        champion.isPresent() ? champion.getAsDouble() : null, decision.promoted() ? CHAMPION : CHALLENGER,
        decision.reason(), c.runId(), c.createdAt());
  }
}
