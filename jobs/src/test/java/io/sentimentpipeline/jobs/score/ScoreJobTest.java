package io.sentimentpipeline.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.sentimentpipeline.jobs.InProcessCli;
import io.sentimentpipeline.jobs.Jobs;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.TinyEncoder;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.registry.ModelBundle;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.jobs.tokenize.TokenizeJob;
import io.sentimentpipeline.jobs.train.TrainJob;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import io.sentimentpipeline.udfs.score.ExecutorModelCache;
import io.sentimentpipeline.udfs.score.ScoringModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
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
 * Batch scoring on real Spark, Delta and DJL with a tiny model fine-tuned by the real train job:
 * every document scored once per model version, long documents in chunks, reruns change nothing,
 * one model load per JVM across many partitions, a new champion backfills beside the old scores.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScoreJobTest extends SparkTestBase {

  private static final String[] POSITIVE = {"great", "love", "excellent", "perfect", "wonderful"};
  private static final String[] NEGATIVE = {"awful", "broken", "terrible", "refund", "useless"};
  private static final String[] FILLER = {"the", "kettle", "arrived", "it", "is", "and", "this", "was", "my", "box"};
  private static final LocalDate DAY = LocalDate.of(2026, 11, 20);
  private static final int DOCS = 240;

  @BeforeAll
  static void documentsTokensAndATinyCheckpoint() throws Exception {
    Random random = new Random(11);
    List<Row> docs = new ArrayList<>();
    for (int i = 0; i < DOCS; i++) {
      // Every tenth document is unlabelled and longer than the model's window: praise, then complaints.
      boolean longDocument = i % 10 == 0;
      boolean positive = i % 2 == 0 && !longDocument;
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < (longDocument ? 120 : 12); w++) {
        String[] pool =
            longDocument ? (w < 40 ? POSITIVE : NEGATIVE) : random.nextInt(3) == 0 ? (positive ? POSITIVE : NEGATIVE) : FILLER;
        text.append(pool[random.nextInt(pool.length)]).append(' ');
      }
      text.append("#").append(i);
      docs.add(RowFactory.create("d" + i, "review", "reviews", Date.valueOf(DAY.minusDays(i % 3)), List.of(),
          text.toString().trim(), longDocument ? null : positive ? "positive" : "negative"));
    }
    StructType schema =
        new StructType()
            .add("doc_id", DataTypes.StringType)
            .add("domain", DataTypes.StringType)
            .add("source", DataTypes.StringType)
            .add("event_date", DataTypes.DateType)
            .add("entities", DataTypes.createArrayType(DataTypes.StringType))
            .add("text", DataTypes.StringType)
            .add("label", DataTypes.StringType);
    List<Row> rows = docs.stream().map(r -> RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3),
        scala.collection.JavaConverters.asScalaBuffer(List.<String>of()).toSeq(), r.get(5), r.get(6))).toList();
    spark.createDataFrame(rows, schema).write().format("delta")
        .save(new Warehouse(config().warehouse()).location(TableName.DOCUMENTS));
    new Warehouse(config().warehouse()).register(spark, TableName.DOCUMENTS);
    TokenizeJob.Result tokens = Jobs.tokenize(spark, scoreConfig());
    assertThat(tokens.truncated()).as("long documents are truncated by the tokenizer").isEqualTo(DOCS / 10);

    TinyEncoder.checkpoint(workDir);
  }

  private static PipelineConfig scoreConfig(String... more) {
    List<String> overrides = scoreOverrides();
    overrides.addAll(List.of(more));
    return config(overrides.toArray(String[]::new));
  }

  private static List<String> scoreOverrides() {
    return new ArrayList<>(List.of(
        "warehouse=" + workDir.resolve("warehouse"),
        "encoders.\"all-minilm-l6-v2\".weights=" + workDir.resolve("tiny-bert"),
        "tokenize.max-length=32",
        "train.epochs=10", "train.patience=10", "train.batch-size=16", "train.learning-rate=0.002", "train.dropout=0",
        "score.domains=[review]", "score.batch-size=8", "score.documents-per-call=16",
        "score.max-document-tokens=512", "score.chunk-overlap=8"));
  }

  /**
   * Makes a version champion whatever promotion decided: the TF-IDF baseline reads these cue words
   * perfectly, so the tiny model never beats it, and scoring (not promotion) is under test here.
   */
  private static void crown(int version) {
    new ModelRegistry(spark, new Warehouse(scoreConfig().warehouse()))
        .promote("review-sentiment", version, ModelRegistry.Change.byCurrentUser("ScoreJobTest: scoring is under test", Instant.now()));
  }

  @Test
  @Order(1)
  void withoutAChampionItSaysToTrainOne() {
    assertThatThrownBy(() -> Jobs.score(spark, scoreConfig(), DAY))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("No review champion")
        .hasMessageContaining("pipeline train --domain review");
    assertThatThrownBy(() -> Jobs.score(spark, scoreConfig("score.domains=[review, news]"), DAY))
        .hasMessageContaining("No review or news champion")
        .hasMessageContaining("`./pipeline train --domain review` and `./pipeline train --domain news`");
  }

  @Test
  @Order(2)
  void everyDocumentIsScoredOnceWithOneModelLoadPerJvm() {
    crown(Jobs.train(spark, scoreConfig(), Domain.REVIEW, 0).version());
    ExecutorModelCache.clearForTests();
    assertThatThrownBy(() -> Jobs.score(spark, scoreConfig("score.domains=[review, news]"), DAY))
        .as("a domain without a champion stops the job before any domain is scored")
        .hasMessageContaining("No news champion");
    assertThat(new Warehouse(config().warehouse()).exists(spark, TableName.SENTIMENT_SCORES)).isFalse();

    ScoreJob.Result result = Jobs.score(spark, scoreConfig(), DAY);

    assertThat(result.scored()).isEqualTo(DOCS);
    assertThat(result.domains().get(0).modelLoadsPerJvm()).as("one load in the test JVM for all partitions").containsValue(1L).hasSize(1);
    List<Row> scores = spark.sql("select p_negative, p_neutral, p_positive, score, confidence, label, model_version, event_date from gold.sentiment_scores").collectAsList();
    assertThat(scores).hasSize(DOCS);
    for (Row row : scores) {
      assertThat(row.getDouble(0) + row.getDouble(2)).as("binary probabilities sum to 1").isCloseTo(1.0, within(1e-5));
      assertThat(row.isNullAt(1)).as("no neutral probability for a binary model").isTrue();
      assertThat(row.getDouble(3)).isCloseTo(row.getDouble(2) - row.getDouble(0), within(1e-9)).isBetween(-1.0, 1.0);
      assertThat(row.getDouble(4)).isEqualTo(Math.max(row.getDouble(0), row.getDouble(2)));
      assertThat(row.getString(5)).isIn("negative", "neutral", "positive");
      assertThat(row.getInt(6)).isEqualTo(1);
    }
    double accuracy =
        spark.sql("select avg(case when (s.score > 0) = (d.label = 'positive') then 1.0 else 0.0 end) from gold.sentiment_scores s join silver.documents d using (doc_id) where d.label is not null")
            .first().getDecimal(0).doubleValue();
    assertThat(accuracy).as("the fine-tuned tiny model separates the cue words").isGreaterThan(0.7);
    assertThat(spark.sql("describe detail gold.sentiment_scores").select("partitionColumns").first().<String>getList(0)).as("partitioned by day").containsExactly("event_date");
  }

  @Test
  @Order(3)
  void longDocumentsAreScoredOnAllTheirChunks() throws Exception {
    Row champion = spark.sql("select bundle_path, bundle_checksum from ml.models where version = 1").first();
    List<Row> docs =
        spark.sql("select s.doc_id, s.p_positive, t.input_ids, t.truncated from gold.sentiment_scores s join silver.tokens t using (doc_id)")
            .collectAsList();
    List<long[]> firstWindows = new ArrayList<>();
    for (Row row : docs) {
      firstWindows.add(row.<Integer>getList(2).stream().mapToLong(Integer::longValue).toArray());
    }
    float[][] firstWindowOnly;
    try (ScoringModel model =
        ScoringModel.load(ModelBundle.readVerified(champion.getString(0), spark.sparkContext().hadoopConfiguration()),
            champion.getString(1), Device.cpu(), 1)) {
      firstWindowOnly = model.probabilities(firstWindows, 8);
    }
    int longDocsTurnedNegative = 0;
    for (int i = 0; i < docs.size(); i++) {
      double direct = firstWindowOnly[i][1];
      double stored = docs.get(i).getDouble(1);
      if (docs.get(i).getBoolean(3)) {
        longDocsTurnedNegative += direct > 0.5 && stored < 0.5 ? 1 : 0;
      } else {
        assertThat(stored).as("a short document is one chunk: %s", docs.get(i).getString(0)).isCloseTo(direct, within(1e-5));
      }
    }
    assertThat(longDocsTurnedNegative)
        .as("praise fills the first window, complaints come after it: only scoring every chunk sees the complaints")
        .isEqualTo(DOCS / 10);
  }

  @Test
  @Order(4)
  void aRerunChangesNothing() {
    List<Row> before = spark.sql("select * from gold.sentiment_scores order by doc_id").collectAsList();
    long versionBefore = spark.sql("describe history gold.sentiment_scores").count();

    ScoreJob.Result again = Jobs.score(spark, scoreConfig(), DAY);

    assertThat(again.scored()).isZero();
    assertThat(spark.sql("select * from gold.sentiment_scores order by doc_id").collectAsList()).isEqualTo(before);
    assertThat(spark.sql("describe history gold.sentiment_scores").count()).as("no new commit").isEqualTo(versionBefore);
  }

  @Test
  @Order(5)
  void aNewChampionBackfillsAndTheOldScoresStay() {
    crown(Jobs.train(spark, scoreConfig("train.seed=7"), Domain.REVIEW, 0).version());

    ScoreJob.Result onlyTheDay = Jobs.score(spark, scoreConfig("score.backfill=false"), DAY);
    assertThat(onlyTheDay.scored()).as("documents of the run date only").isEqualTo(DOCS / 3);

    ScoreJob.Result backfill = Jobs.score(spark, scoreConfig(), DAY);
    assertThat(backfill.scored()).as("the rest of the corpus").isEqualTo(DOCS - DOCS / 3);
    List<Row> perVersion = spark.sql("select model_version, count(*) from gold.sentiment_scores group by 1 order by 1").collectAsList();
    assertThat(perVersion).extracting(r -> r.getInt(0) + ":" + r.getLong(1)).containsExactly("1:" + DOCS, "2:" + DOCS);
  }

  @Test
  @Order(6)
  void aBundleChangedAfterRegistrationFailsWithExit65NamingTheFile() throws Exception {
    Path bundle = Path.of(spark.sql("select bundle_path from ml.models where status = 'champion'").first().getString(0));
    for (String file : List.of("model.safetensors", ScoringModel.CALIBRATION)) {
      byte[] original = Files.readAllBytes(bundle.resolve(file));
      byte[] originalChecksums = Files.readAllBytes(bundle.resolve(ModelBundle.CHECKSUMS));
      byte[] tampered = original.clone();
      tampered[tampered.length - 2] ^= 1; // inside the weights; a digit of the temperature
      Files.write(bundle.resolve(file), tampered);
      regenerateChecksums(bundle);
      try {
        List<String> args = new ArrayList<>(List.of("score", "--run-date", DAY.toString()));
        for (String set : scoreOverrides()) {
          args.addAll(List.of("--set", set));
        }
        InProcessCli.Outcome score = InProcessCli.run(spark, args);

        assertThat(score.exitCode()).as(score.describe(args)).isEqualTo(65);
        assertThat(score.err().strip()).as("one line").doesNotContain("\n")
            .contains("Model bundle " + bundle, "does not match ml.models (review-sentiment v2)", file + " has sha256 " + sha256(tampered),
                "expected " + sha256(original), "./pipeline train --domain review");
      } finally {
        Files.write(bundle.resolve(file), original);
        Files.write(bundle.resolve(ModelBundle.CHECKSUMS), originalChecksums);
      }
    }
    assertThat(Jobs.score(spark, scoreConfig(), DAY).scored()).as("the restored bundle scores again").isZero();
  }

  @Test
  @Order(7)
  void aChampionWithAnotherMaxLengthGetsItsTokensBeforeScoring() {
    appendDocuments("new", 12);
    Jobs.tokenize(spark, scoreConfig()); // the nightly tokenize, at tokenize.max-length=32
    TokenizerSpec configured = scoreConfig().tokenize().tokenizer();
    String championTokenizer = new TokenizerSpec(configured.encoder(), configured.location(), 48).tokenizerId();
    // Stands in for a champion trained with tokenize.max-length=48.
    spark.sql("UPDATE ml.models SET tokenizer_id = '" + championTokenizer + "' WHERE status = 'champion'");

    ScoreJob.Result result = Jobs.score(spark, scoreConfig(), DAY);

    assertThat(result.scored()).as(result.toString()).isEqualTo(12);
    assertThat(result.domains().get(0).untokenized()).isZero();
    assertThat(spark.sql("select count(*) from silver.tokens where tokenizer_id = '" + championTokenizer + "'").first().getLong(0))
        .as("score tokenized every document for its champion").isEqualTo(DOCS + 12);
    ScoreJob.Result again = Jobs.score(spark, scoreConfig(), DAY);
    assertThat(again.toString()).endsWith("; nothing new");
  }

  @Test
  @Order(8)
  void aChampionWhoseTokenizerCannotBeBuiltFailsWith65NamingBoth() {
    appendDocuments("newer", 5);
    Jobs.tokenize(spark, scoreConfig());
    String unknown = "all-minilm-l6-v2@000000000000/max64"; // a tokenizer.json that has changed since training
    spark.sql("UPDATE ml.models SET tokenizer_id = '" + unknown + "' WHERE status = 'champion'");
    String configured = scoreConfig().tokenize().tokenizer().tokenizerId();

    List<String> args = new ArrayList<>(List.of("score", "--run-date", DAY.toString()));
    for (String set : scoreOverrides()) {
      args.addAll(List.of("--set", set));
    }
    InProcessCli.Outcome score = InProcessCli.run(spark, args);

    assertThat(score.exitCode()).as(score.describe(args)).isEqualTo(65);
    assertThat(score.err()).contains(unknown, configured, "`./pipeline tokenize --set tokenize.encoder=all-minilm-l6-v2 --set tokenize.max-length=64`");

    // Once some documents have its tokens, those are scored and the rest are counted, not skipped silently.
    spark.read().format("delta").load(new Warehouse(config().warehouse()).location(TableName.TOKENS))
        .where("doc_id = 'newer0' and tokenizer_id = '" + configured + "'")
        .withColumn("tokenizer_id", org.apache.spark.sql.functions.lit(unknown))
        .write().format("delta").mode("append").save(new Warehouse(config().warehouse()).location(TableName.TOKENS));
    ScoreJob.Result partly = Jobs.score(spark, scoreConfig(), DAY);
    assertThat(partly.scored()).isEqualTo(1);
    assertThat(partly.toString()).as("the other four new documents").contains("; 4 documents have no tokens for tokenizer " + unknown);
  }

  /** {@code count} more review documents of DAY, ids {@code <prefix>0..}, appended to silver.documents. */
  private static void appendDocuments(String prefix, int count) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(RowFactory.create(prefix + i, "review", "reviews", Date.valueOf(DAY),
          scala.collection.JavaConverters.asScalaBuffer(List.<String>of()).toSeq(), "great kettle, " + prefix + " " + i, null));
    }
    StructType schema = spark.read().format("delta").load(new Warehouse(config().warehouse()).location(TableName.DOCUMENTS)).schema();
    spark.createDataFrame(rows, schema).write().format("delta").mode("append")
        .save(new Warehouse(config().warehouse()).location(TableName.DOCUMENTS));
  }

  /** What someone covering their tracks would do: checksums.sha256 made to match the changed files. */
  private static void regenerateChecksums(Path bundle) throws Exception {
    StringBuilder listing = new StringBuilder();
    try (var files = Files.list(bundle)) {
      for (Path file : files.filter(f -> !f.getFileName().toString().equals(ModelBundle.CHECKSUMS)).sorted().toList()) {
        listing.append(sha256(Files.readAllBytes(file))).append("  ").append(file.getFileName()).append('\n');
      }
    }
    Files.writeString(bundle.resolve(ModelBundle.CHECKSUMS), listing);
  }

  private static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }
}
