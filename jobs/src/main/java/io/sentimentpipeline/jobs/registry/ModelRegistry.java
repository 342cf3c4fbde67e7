package io.sentimentpipeline.jobs.registry;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.delta.tables.DeltaTable;
import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Target;
import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import io.sentimentpipeline.udfs.train.EpochResult;
import io.sentimentpipeline.udfs.train.TrainingHistory;
import java.io.IOException;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The model registry: {@code ml.models} (one row per model version, with its scores, the baseline's
 * and the promotion decision; exactly one {@code champion} per domain) and {@code
 * ml.training_runs} (parameters, per-epoch metrics and timings of every run). Every status change
 * (registration, promote, rollback, retire) is one Delta commit on {@code ml.models}, which keeps
 * the last change's who, when and why in {@code status_*} columns, followed by an append to {@code
 * ml.model_events}, which keeps them all. The two are separate commits: a process killed between
 * them leaves the change in {@code ml.models} without its event row.
 */
public final class ModelRegistry {

  public static final TableName MODELS = new TableName("ml", "models");
  public static final TableName RUNS = new TableName("ml", "training_runs");
  public static final String CHAMPION = "champion";
  public static final String CHALLENGER = "challenger";
  public static final String RETIRED = "retired";
  public static final TableName EVENTS = new TableName("ml", "model_events");

  /** The {@code action} of a row of {@code ml.model_events}. */
  public enum Action {
    REGISTER, PROMOTE, ROLLBACK, RETIRE;

    String sql() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What {@link #retire} does with the domain's champion: refuse it, or leave the domain without one. */
  public enum IfChampion { REFUSE, RETIRE }

  /** Who changes a status, when and why; taken once at the edge (the command), never inside a transformation. */
  public record Change(String by, Timestamp at, String reason) {
    public Change {
      if (reason == null || reason.isBlank()) {
        throw new PipelineException(ErrorCategory.USAGE_OR_CONFIG, "A status change needs a reason: add --reason \"...\"");
      }
      by = by == null || by.isBlank() ? "unknown" : by;
    }

    /** By the operating-system user running this JVM ({@code user.name}). */
    public static Change byCurrentUser(String reason, java.time.Instant at) {
      return new Change(System.getProperty("user.name"), Timestamp.from(at), reason);
    }
  }

  /** One row of {@code ml.model_events}. */
  public record Event(
      String modelName, int version, String domain, Action action, String fromStatus, String toStatus, Change change) {

    Row toRow() {
      return RowFactory.create(
          modelName, version, domain, action.sql(), fromStatus, toStatus, change.by(), change.at(), change.reason());
    }

    /** "review-sentiment v3: champion -> retired", for the command's output. */
    public String describe() {
      return modelName + " v" + version + ": " + (fromStatus == null ? "(new)" : fromStatus) + " -> " + toStatus;
    }
  }

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
          .add("created_at", DataTypes.TimestampType)
          .add("status_changed_by", DataTypes.StringType)
          .add("status_changed_at", DataTypes.TimestampType)
          .add("status_reason", DataTypes.StringType)
          .add("target", DataTypes.StringType); // document | entity; null (older rows) = document

  /** Append-only: one row per status change of one version, so who, when and why are never overwritten. */
  static final StructType EVENTS_SCHEMA =
      new StructType()
          .add("model_name", DataTypes.StringType, false)
          .add("version", DataTypes.IntegerType, false)
          .add("domain", DataTypes.StringType)
          .add("action", DataTypes.StringType)
          .add("from_status", DataTypes.StringType)
          .add("to_status", DataTypes.StringType)
          .add("changed_by", DataTypes.StringType)
          .add("changed_at", DataTypes.TimestampType)
          .add("reason", DataTypes.StringType);

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
      Timestamp createdAt,
      Target target) {

    /** A document model's candidate. */
    public Candidate(
        String modelName, int version, String domain, String baseEncoder, List<String> labels, String tokenizerId,
        String bundlePath, String bundleChecksum, Map<String, String> bundleFiles, ClassificationMetrics validation,
        ClassificationMetrics test, ClassificationMetrics baselineValidation, ClassificationMetrics baselineTest,
        String runId, Timestamp createdAt) {
      this(modelName, version, domain, baseEncoder, labels, tokenizerId, bundlePath, bundleChecksum, bundleFiles, validation,
          test, baselineValidation, baselineTest, runId, createdAt, Target.DOCUMENT);
    }
  }

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

  /** The domain's document champion, if it has one. */
  public Optional<Champion> champion(String domain) {
    return champion(domain, Target.DOCUMENT);
  }

  /** The domain's champion for a target (a champion per domain and target), if it has one. */
  public Optional<Champion> champion(String domain, Target target) {
    if (!warehouse.exists(spark, MODELS)) {
      return Optional.empty();
    }
    return conformed()
        .where(scope(domain, target).and(col("status").equalTo(CHAMPION)))
        .collectAsList().stream()
        .findFirst()
        .map(ModelRegistry::championOf);
  }

  /**
   * Version {@code version} of the domain's document model whatever its status (the alerts job explains the
   * scores of the version they came from, which need not be today's champion), if registered.
   */
  public Optional<Champion> registered(String domain, int version) {
    if (!warehouse.exists(spark, MODELS)) {
      return Optional.empty();
    }
    return conformed()
        .where(col("domain").equalTo(domain).and(col("version").equalTo(version)).and(col("target").equalTo(Target.DOCUMENT.key())))
        .orderBy("model_name")
        .collectAsList().stream()
        .findFirst()
        .map(ModelRegistry::championOf);
  }

  /** The domain's document champion (version and validation macro-F1), if any. */
  public OptionalInt championVersion(String domain) {
    return championVersion(domain, Target.DOCUMENT);
  }

  /** The domain's champion version for a target, if any. */
  public OptionalInt championVersion(String domain, Target target) {
    List<Row> rows = championRows(domain, target);
    return rows.isEmpty() ? OptionalInt.empty() : OptionalInt.of(rows.get(0).getInt(1));
  }

  private OptionalDouble championScore(String domain, Target target) {
    List<Row> rows = championRows(domain, target);
    return rows.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(rows.get(0).getDouble(2));
  }

  /** Rows of one domain and target; rows written before the target column are document models. */
  private static Column scope(String domain, Target target) {
    return col("domain").equalTo(domain).and(coalesce(col("target"), lit(Target.DOCUMENT.key())).equalTo(target.key()));
  }

  private static Target targetOf(Row row) {
    String target = row.getAs("target");
    return target == null ? Target.DOCUMENT : Target.parse(target, "ml.models.target of " + keyOf(row));
  }

  private List<Row> championRows(String domain, Target target) {
    if (!warehouse.exists(spark, MODELS)) {
      return List.of();
    }
    return conformed()
        .where(scope(domain, target).and(col("status").equalTo(CHAMPION)))
        .select("model_name", "version", "val_macro_f1")
        .collectAsList();
  }

  /**
   * Registers the candidate and, if it beats the champion and the baseline by {@code margin},
   * makes it champion and retires the previous one, in one Delta commit; then appends the changes
   * to {@code ml.model_events}.
   */
  public Promotion register(Candidate candidate, double margin) {
    OptionalDouble champion = championScore(candidate.domain(), candidate.target());
    Promotion decision =
        Promotion.decide(candidate.validation().macroF1(), champion, candidate.baselineValidation().macroF1(), margin);
    Change change = new Change(System.getProperty("user.name"), candidate.createdAt(), decision.reason());
    List<Move> demoted = new ArrayList<>();
    if (decision.promoted()) {
      for (Row previous : championRowsFull(candidate.domain(), candidate.target())) {
        demoted.add(new Move(previous, RETIRED, "superseded by " + candidate.modelName() + " v" + candidate.version() + " (" + decision.reason() + ")"));
      }
    }
    createIfMissing(MODELS, MODELS_SCHEMA);
    Dataset<Row> updates = spark.createDataFrame(List.of(modelRow(candidate, champion, decision, change)), MODELS_SCHEMA);
    if (!demoted.isEmpty()) {
      updates = updates.unionByName(changedRows(demoted, change));
    }
    merge(updates);
    warehouse.register(spark, MODELS);
    List<Event> events = new ArrayList<>();
    events.add(new Event(candidate.modelName(), candidate.version(), candidate.domain(), Action.REGISTER, null,
        decision.promoted() ? CHAMPION : CHALLENGER, change));
    events.addAll(events(Action.REGISTER, demoted, change));
    appendEvents(events);
    return decision;
  }

  /** Every registered version, in the columns of the current schema (older tables show nulls for newer columns). */
  public Dataset<Row> versions() {
    if (!warehouse.exists(spark, MODELS)) {
      return spark.createDataFrame(List.of(), MODELS_SCHEMA);
    }
    return conformed().orderBy("domain", "model_name", "version");
  }

  /** One version's row, or a usage error that says how to see what exists. */
  public Row version(String modelName, int version) {
    List<Row> rows =
        warehouse.exists(spark, MODELS)
            ? conformed().where(key(modelName, version)).collectAsList()
            : List.of();
    if (!rows.isEmpty()) {
      return rows.get(0);
    }
    List<Integer> known =
        warehouse.exists(spark, MODELS)
            ? models().where(col("model_name").equalTo(modelName)).select("version").orderBy("version")
                .collectAsList().stream().map(r -> r.getInt(0)).toList()
            : List.of();
    throw new PipelineException(
        ErrorCategory.USAGE_OR_CONFIG,
        (known.isEmpty()
                ? "No model named '" + modelName + "' in " + MODELS
                : modelName + " has no version " + version + " in " + MODELS + " (it has " + known + ")")
            + "; run `pipeline models list` to see the registered models and versions.");
  }

  /** The status changes recorded for one version, oldest first (empty before any was recorded). */
  public Dataset<Row> events(String modelName, int version) {
    if (!warehouse.exists(spark, EVENTS)) {
      return spark.createDataFrame(List.of(), EVENTS_SCHEMA);
    }
    return warehouse.read(spark, EVENTS)
        .where(key(modelName, version)).orderBy("changed_at");
  }

  /**
   * Makes the version its domain's champion and retires the previous champion, in one Delta
   * commit. Refuses a version whose bundle does not match the digests recorded at registration
   * (exit 65). Promoting the current champion changes nothing and returns no events.
   */
  public List<Event> promote(String modelName, int version, Change change) {
    Row target = version(modelName, version);
    if (CHAMPION.equals(target.getAs("status"))) {
      return List.of();
    }
    verifyBundle(target);
    List<Move> moves = new ArrayList<>();
    moves.add(new Move(target, CHAMPION, change.reason()));
    for (Row previous : championRowsFull(target.getAs("domain"), targetOf(target))) {
      moves.add(new Move(previous, RETIRED, "superseded by " + modelName + " v" + version + ": " + change.reason()));
    }
    return apply(Action.PROMOTE, moves, change);
  }

  /**
   * Makes the domain's previous champion (the latest other version that {@code ml.model_events}
   * records becoming champion) champion again and retires the current one, in one commit. Two
   * rollbacks in a row therefore swap back. Fails with a usage error when no earlier champion is
   * recorded.
   */
  public List<Event> rollback(String domain, Change change) {
    return rollback(domain, Target.DOCUMENT, change);
  }

  /** {@link #rollback(String, Change)} among the domain's models of one target. */
  public List<Event> rollback(String domain, Target kind, Change change) {
    List<Row> current = championRowsFull(domain, kind);
    List<String> currentKeys = current.stream().map(ModelRegistry::keyOf).toList();
    Object[] names = conformed().where(scope(domain, kind)).select("model_name").distinct()
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList().toArray();
    List<Row> crowned =
        warehouse.exists(spark, EVENTS) && names.length > 0
            ? warehouse.read(spark, EVENTS)
                .where(col("domain").equalTo(domain).and(col("to_status").equalTo(CHAMPION)).and(col("model_name").isin(names)))
                .orderBy(col("changed_at").desc())
                .select("model_name", "version")
                .collectAsList()
            : List.of();
    Optional<Row> previous = crowned.stream().filter(r -> !currentKeys.contains(keyOf(r))).findFirst();
    if (previous.isEmpty()) {
      throw new PipelineException(
          ErrorCategory.USAGE_OR_CONFIG,
          "No earlier " + domain + " champion is recorded in " + EVENTS + " to roll back to"
              + (current.isEmpty() ? "" : " (the champion is " + describe(current.get(0)) + ")")
              + "; run `pipeline models list --domain " + domain
              + "` and make a version champion with `pipeline models promote <model> <version> --reason \"...\"`.");
    }
    Row target = version(previous.get().getAs("model_name"), previous.get().<Integer>getAs("version"));
    verifyBundle(target);
    List<Move> moves = new ArrayList<>();
    moves.add(new Move(target, CHAMPION, change.reason()));
    for (Row champion : current) {
      moves.add(new Move(champion, RETIRED, "rolled back to " + describe(target) + ": " + change.reason()));
    }
    return apply(Action.ROLLBACK, moves, change);
  }

  /**
   * Retires a challenger (or, with {@link IfChampion#RETIRE}, the champion, leaving its domain
   * without one until a promote or rollback). Retiring a retired version changes nothing.
   */
  public List<Event> retire(String modelName, int version, IfChampion ifChampion, Change change) {
    Row target = version(modelName, version);
    String status = target.getAs("status");
    if (RETIRED.equals(status)) {
      return List.of();
    }
    if (CHAMPION.equals(status) && ifChampion == IfChampion.REFUSE) {
      String domain = target.getAs("domain");
      throw new PipelineException(
          ErrorCategory.USAGE_OR_CONFIG,
          describe(target) + " is the " + domain + " champion; retiring it would leave " + domain
              + " without one and `pipeline score` would fail. Promote another version (`pipeline models promote <model> <version> --reason \"...\"`),"
              + " roll back (`pipeline models rollback --domain " + domain + " --reason \"...\"`), or add --force.");
    }
    return apply(Action.RETIRE, List.of(new Move(target, RETIRED, change.reason())), change);
  }

  /** A status change of one registry row, before it is written. */
  private record Move(Row row, String toStatus, String reason) {
    String modelName() {
      return row.getAs("model_name");
    }

    int version() {
      return row.<Integer>getAs("version");
    }
  }

  private List<Event> apply(Action action, List<Move> moves, Change change) {
    merge(changedRows(moves, change));
    warehouse.register(spark, MODELS);
    List<Event> events = events(action, moves, change);
    appendEvents(events);
    return events;
  }

  /** The moved rows as they are now, with the new status and who, when and why. */
  private Dataset<Row> changedRows(List<Move> moves, Change change) {
    Dataset<Row> rows = null;
    for (Move move : moves) {
      Dataset<Row> one =
          conformed().where(key(move.modelName(), move.version()))
              .withColumn("status", lit(move.toStatus()))
              .withColumn("status_changed_by", lit(change.by()))
              .withColumn("status_changed_at", lit(change.at()))
              .withColumn("status_reason", lit(move.reason()));
      rows = rows == null ? one : rows.unionByName(one);
    }
    return rows;
  }

  private static List<Event> events(Action action, List<Move> moves, Change change) {
    return moves.stream()
        .map(m -> new Event(m.modelName(), m.version(), m.row().getAs("domain"), action, m.row().getAs("status"),
            m.toStatus(), new Change(change.by(), change.at(), m.reason())))
        .toList();
  }

  /** One commit on ml.models: rows of existing versions are replaced, new versions inserted. */
  private void merge(Dataset<Row> updates) {
    DeltaTable.forPath(spark, warehouse.location(MODELS))
        .as("t")
        .merge(updates.as("s"), "t.model_name = s.model_name AND t.version = s.version")
        .withSchemaEvolution() // tables from before a column was added take it on
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  private void appendEvents(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    createIfMissing(EVENTS, EVENTS_SCHEMA);
    warehouse.append(spark.createDataFrame(events.stream().map(Event::toRow).toList(), EVENTS_SCHEMA), EVENTS);
    warehouse.register(spark, EVENTS);
  }

  /** One version's bundle files, verified against the digests ml.models recorded (exit 65 if not). */
  public Map<String, byte[]> verifiedBundle(String modelName, int version) {
    return ModelBundle.readVerified(championOf(version(modelName, version)), spark.sparkContext().hadoopConfiguration());
  }

  /**
   * Adds files to a version's bundle (its ONNX export) and records their digests: the version's
   * {@code bundle_files} and {@code bundle_checksum} change in one commit, its status does not, so
   * scorers read and verify the new files from the next run on. Returns the new bundle checksum.
   */
  public String addBundleFiles(String modelName, int version, Map<String, byte[]> added) {
    Row row = version(modelName, version);
    Champion current = championOf(row);
    Map<String, String> registered = current.bundleFiles();
    if (registered.isEmpty()) {
      throw new PipelineException(
          ErrorCategory.USAGE_OR_CONFIG,
          describe(row) + " was registered before ml.models recorded per-file digests; retrain it to add files");
    }
    SortedMap<String, String> digests;
    try {
      digests = ModelBundle.add(current.bundlePath(), registered, added, spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new PipelineException(ErrorCategory.BAD_INPUT, "Cannot add files to model bundle " + current.bundlePath() + ": " + e.getMessage(), e);
    }
    List<Column> entries = new ArrayList<>();
    digests.forEach((name, digest) -> {
      entries.add(lit(name));
      entries.add(lit(digest));
    });
    String checksum = ModelBundle.checksum(digests);
    merge(conformed().where(key(modelName, version))
        .withColumn("bundle_files", functions.map(entries.toArray(Column[]::new)))
        .withColumn("bundle_checksum", lit(checksum)));
    warehouse.register(spark, MODELS);
    return checksum;
  }

  private void verifyBundle(Row row) {
    try {
      ModelBundle.readVerified(championOf(row), spark.sparkContext().hadoopConfiguration());
    } catch (PipelineException e) {
      throw new PipelineException(e.category(), "Refusing to make " + describe(row) + " champion: " + e.getMessage(), e);
    }
  }

  private List<Row> championRowsFull(String domain, Target target) {
    if (!warehouse.exists(spark, MODELS)) {
      return List.of();
    }
    return conformed().where(scope(domain, target).and(col("status").equalTo(CHAMPION))).collectAsList();
  }

  /** ml.models in the columns of {@link #MODELS_SCHEMA}: a column an older table lacks reads as null. */
  private Dataset<Row> conformed() {
    Dataset<Row> table = models();
    List<String> present = java.util.Arrays.asList(table.columns());
    List<Column> columns = new ArrayList<>();
    for (StructField field : MODELS_SCHEMA.fields()) {
      columns.add(present.contains(field.name()) ? col(field.name()) : lit(null).cast(field.dataType()).as(field.name()));
    }
    return table.select(columns.toArray(Column[]::new));
  }

  private static Column key(String modelName, int version) {
    return col("model_name").equalTo(modelName).and(col("version").equalTo(version));
  }

  private static String keyOf(Row row) {
    return row.getAs("model_name") + " v" + row.<Integer>getAs("version");
  }

  private static String describe(Row row) {
    return keyOf(row);
  }

  private static Champion championOf(Row r) {
    return new Champion(
        r.getAs("model_name"), r.<Integer>getAs("version"), r.getAs("domain"), r.getAs("bundle_path"), r.getAs("bundle_checksum"),
        hasColumn(r, "bundle_files") && !r.isNullAt(r.fieldIndex("bundle_files")) ? r.getJavaMap(r.fieldIndex("bundle_files")) : null,
        r.getAs("tokenizer_id"));
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
    warehouse.append(spark.createDataFrame(List.of(run), RUNS_SCHEMA), RUNS); // older tables take on new columns
    warehouse.register(spark, RUNS);
  }

  private Dataset<Row> models() {
    return warehouse.read(spark, MODELS);
  }

  private static boolean hasColumn(Row row, String name) {
    return java.util.Arrays.asList(row.schema().fieldNames()).contains(name);
  }

  private void createIfMissing(TableName table, StructType schema) {
    DeltaTable.createIfNotExists(spark).location(warehouse.location(table)).addColumns(schema).execute();
  }

  private static Row modelRow(Candidate c, OptionalDouble champion, Promotion decision, Change change) {
    return RowFactory.create(
        c.modelName(), c.version(), c.domain(), c.baseEncoder(), scala.collection.JavaConverters.asScalaBuffer(c.labels()),
        c.tokenizerId(), c.bundlePath(), c.bundleChecksum(), scala.collection.JavaConverters.mapAsScalaMap(c.bundleFiles()),
        c.validation().accuracy(), c.validation().macroF1(),
        c.test().accuracy(), c.test().macroF1(), c.baselineValidation().macroF1(), c.baselineTest().macroF1(),
        champion.isPresent() ? champion.getAsDouble() : null, decision.promoted() ? CHAMPION : CHALLENGER,
        decision.reason(), c.runId(), c.createdAt(), change.by(), change.at(), change.reason(), c.target().key());
  }
}
