package io.sentimentpipeline.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.StageLease;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.config.Target;
import io.sentimentpipeline.jobs.registry.ModelBundle;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.jobs.tokenize.TokenizeConfig;
import io.sentimentpipeline.jobs.tokenize.TokenizeJob;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Score: every document of a domain that has no score from the domain's champion yet gets one, in
 * {@code gold.sentiment_scores} (a MERGE keyed by doc_id and model_version, so reruns change
 * nothing and earlier versions' scores stay queryable). Inference runs in {@code mapPartitions}
 * with one model per executor JVM ({@link ScorePartition}). A domain with an entity champion also
 * gets a score per (document, entity) in {@code gold.entity_sentiment_scores} ({@link EntityScoring}).
 */
public final class ScoreJob {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);

  /** The columns of gold.sentiment_scores. */
  public static final StructType SCHEMA = ScorePartition.OUTPUT;

  /** Column comments of gold.sentiment_scores, for BI tools. */
  private static final Map<String, String> COMMENTS =
      Map.ofEntries(
          Map.entry("doc_id", "SHA-256 of domain and cleaned text; joins silver.documents"),
          Map.entry("domain", "review or news"),
          Map.entry("source", "configured source the document came from"),
          Map.entry("event_date", "UTC day of the document (partition column)"),
          Map.entry("entities", "tickers the document mentions (news); empty for reviews"),
          Map.entry("label", "negative, neutral or positive (binary models: neutral inside score.neutral-band)"),
          Map.entry("p_negative", "calibrated probability of negative"),
          Map.entry("p_neutral", "calibrated probability of neutral; null for binary models"),
          Map.entry("p_positive", "calibrated probability of positive"),
          Map.entry("score", "p_positive - p_negative, in [-1, 1]"),
          Map.entry("confidence", "probability of the most likely class"),
          Map.entry("model_name", "model in ml.models"),
          Map.entry("model_version", "version in ml.models; with doc_id the key of this table"),
          Map.entry("scored_at", "when the scoring run started"));

  private ScoreJob() {}

  /**
   * What one domain's scoring did: {@code scored} rows, each a document or, for an entity model, a
   * (document, entity) pair ({@code unit} says which); {@code modelLoadsPerJvm} maps executor id to
   * that JVM's loads of the model (empty where not counted); {@code untokenized} counts the
   * documents left out because they have no tokens for the champion's tokenizer, so "nothing new"
   * and "nothing eligible" read differently.
   */
  public record DomainResult(
      String domain, String model, int version, long scored, String unit, long untokenized, String tokenizerId,
      Map<String, Long> modelLoadsPerJvm) {
    @Override
    public String toString() {
      String line = String.format("%s: %d %s scored with %s v%d", domain, scored, unit, model, version)
          + (modelLoadsPerJvm.isEmpty() ? "" : " (model loads per JVM " + modelLoadsPerJvm + ")");
      if (untokenized > 0) {
        return line + "; " + untokenized + " documents have no tokens for tokenizer " + tokenizerId + " (`" + tokenizeCommand(tokenizerId) + "` builds them)";
      }
      return scored == 0 ? line + "; nothing new" : line;
    }
  }

  /** One entry per configured domain. */
  public record Result(List<DomainResult> domains) {
    public long scored() {
      return domains.stream().mapToLong(DomainResult::scored).sum();
    }

    @Override
    public String toString() {
      return domains.isEmpty() ? "nothing to score" : String.join("; ", domains.stream().map(DomainResult::toString).toList());
    }
  }

  public static Result run(SparkSession spark, Warehouse warehouse, ScoreConfig score, LocalDate runDate) {
    try (StageLease lease = StageLease.acquire(warehouse, "score")) {
      return runHoldingLease(spark, warehouse, score, runDate);
    }
  }

  private static Result runHoldingLease(SparkSession spark, Warehouse warehouse, ScoreConfig score, LocalDate runDate) {
    for (TableName table : List.of(TableName.DOCUMENTS, TableName.TOKENS)) {
      if (!warehouse.exists(spark, table)) {
        throw new PipelineException(ErrorCategory.BAD_INPUT, table + " does not exist in " + warehouse.root() + ": run `./pipeline run` first.");
      }
    }
    Map<Domain, ModelRegistry.Champion> champions = champions(new ModelRegistry(spark, warehouse), score.domains());
    // Entity models are optional: a domain without one keeps only its document scores.
    ModelRegistry registry = new ModelRegistry(spark, warehouse);
    Map<Domain, ModelRegistry.Champion> entityChampions = new LinkedHashMap<>();
    for (Domain domain : champions.keySet()) {
      registry.champion(domain.key(), Target.ENTITY).ifPresent(champion -> entityChampions.put(domain, champion));
    }
    for (ModelRegistry.Champion champion : champions.values()) {
      ModelBundle.readVerified(champion, spark.sparkContext().hadoopConfiguration()); // fail before any domain is scored
    }
    for (ModelRegistry.Champion champion : entityChampions.values()) {
      ModelBundle.readVerified(champion, spark.sparkContext().hadoopConfiguration());
    }
    List<DomainResult> results = new ArrayList<>();
    champions.forEach((domain, champion) -> results.add(scoreDomain(spark, score, warehouse, domain, champion, runDate)));
    entityChampions.forEach((domain, champion) ->
        results.add(EntityScoring.score(spark, score, warehouse, domain, champion, score.backfill() ? null : runDate)));
    Result result = new Result(results);
    return result;
  }

  /**
   * Every domain's champion, resolved before any domain is scored, so a missing one stops the run
   * with nothing half done and names all the domains that lack one.
   */
  private static Map<Domain, ModelRegistry.Champion> champions(ModelRegistry registry, List<Domain> domains) {
    Map<Domain, ModelRegistry.Champion> champions = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (Domain domain : domains) {
      registry.champion(domain.key()).ifPresentOrElse(champion -> champions.put(domain, champion), () -> missing.add(domain.key()));
    }
    if (!missing.isEmpty()) {
      String train = String.join(" and ", missing.stream().map(d -> "`./pipeline train --domain " + d + "`").toList());
      throw new PipelineException(
          ErrorCategory.BAD_INPUT,
          "No " + String.join(" or ", missing) + " champion in " + ModelRegistry.MODELS + " to score with: train one with " + train
              + " (or drop " + String.join(", ", missing) + " from score.domains).");
    }
    return champions;
  }

  private static DomainResult scoreDomain(
      SparkSession spark, ScoreConfig score, Warehouse warehouse, Domain domain, ModelRegistry.Champion champion, LocalDate runDate) {
    spark.sparkContext().setJobDescription("score " + domain.key() + " with " + champion.modelName() + " v" + champion.version());
    LocalDate onlyDate = score.backfill() ? null : runDate;
    long untokenized = ensureTokens(spark, score.tokenize(), warehouse, domain, champion, onlyDate);
    Dataset<Row> pending = pending(spark, warehouse, domain, champion, onlyDate);
    pending = pending.repartition(Math.max(2 * spark.sparkContext().defaultParallelism(), 1));
    TokenizerSpec tokenizer = score.tokenize().tokenizer();
    CollectionAccumulator<String> loads = spark.sparkContext().collectionAccumulator("model loads per JVM");
    ScorePartition scorer =
        new ScorePartition(
            champion, new TokenizerSpec(tokenizer.encoder(), tokenizer.location(), score.maxDocumentTokens()), score,
            Timestamp.from(Instant.now()), loads);
    Dataset<Row> scored = pending.mapPartitions(scorer, Encoders.row(ScorePartition.OUTPUT)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long count = scored.count();
      if (count > 0) {
        merge(spark, warehouse, scored);
      }
      return new DomainResult(
          domain.key(), champion.modelName(), champion.version(), count, "documents", untokenized, champion.tokenizerId(),
          loadsPerJvm(loads.value()));
    } finally {
      scored.unpersist();
    }
  }

  /**
   * Makes sure the documents to score have tokens for the champion's tokenizer, which need not be
   * the configured one (a champion trained with another tokenize.max-length). When the champion's
   * tokenizer is the configured encoder's at another max length, runs tokenize for it; otherwise
   * fails if no document has its tokens, naming both tokenizers and the command that fixes it.
   * Returns how many documents to score still have none (left out of this run and reported).
   */
  private static long ensureTokens(
      SparkSession spark, TokenizeConfig configured, Warehouse warehouse, Domain domain, ModelRegistry.Champion champion, LocalDate onlyDate) {
    String needed = champion.tokenizerId();
    long missing = untokenized(spark, warehouse, domain, champion, onlyDate);
    if (missing == 0) {
      return 0;
    }
    TokenizerSpec own = configured.tokenizer();
    int maxLength = maxLength(needed);
    if (maxLength > 0 && maxLength != own.maxLength()) {
      TokenizerSpec championSpec = new TokenizerSpec(own.encoder(), own.location(), maxLength);
      if (championSpec.tokenizerId().equals(needed)) {
        LOG.info("Score: {} {} documents have no tokens for {}'s tokenizer {}; tokenizing them", missing, domain.key(), champion.describe(), needed);
        TokenizeJob.run(spark, warehouse, configured.withTokenizer(championSpec));
        return untokenized(spark, warehouse, domain, champion, onlyDate);
      }
    }
    if (tokens(spark, warehouse, needed).isEmpty()) {
      throw new PipelineException(
          ErrorCategory.BAD_INPUT,
          missing + " " + domain.key() + " documents have no tokens for the tokenizer of " + champion.describe() + ", " + needed
              + ", and none has: silver.tokens is built with " + own.tokenizerId() + " (tokenize.*). Run `" + tokenizeCommand(needed) + "` first, or retrain with `./pipeline train --domain " + domain.key() + "` if the encoder's tokenizer.json changed since.");
    }
    return missing;
  }

  /** Documents to score that have no tokens for the champion's tokenizer. */
  private static long untokenized(SparkSession spark, Warehouse warehouse, Domain domain, ModelRegistry.Champion champion, LocalDate onlyDate) {
    return unscored(spark, warehouse, domain, champion, onlyDate)
        .join(tokens(spark, warehouse, champion.tokenizerId()), col("doc_id").equalTo(col("t_doc_id")), "left_anti")
        .count();
  }

  /** The N of a tokenizer id {@code encoder@digest/maxN}; 0 if it has none. */
  private static int maxLength(String tokenizerId) {
    int at = tokenizerId.lastIndexOf("/max");
    try {
      return at < 0 ? 0 : Integer.parseInt(tokenizerId.substring(at + 4));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Documents of the domain with this model's tokens and no score from this model version yet. */
  private static Dataset<Row> pending(
      SparkSession spark, Warehouse warehouse, Domain domain, ModelRegistry.Champion champion, LocalDate onlyDate) {
    return unscored(spark, warehouse, domain, champion, onlyDate)
        .join(tokens(spark, warehouse, champion.tokenizerId()), col("doc_id").equalTo(col("t_doc_id")))
        .select("doc_id", "domain", "source", "event_date", "entities", "input_ids", "truncated", "text");
  }

  /** Documents of the domain (of onlyDate, unless null) with no score from this model version yet. */
  private static Dataset<Row> unscored(
      SparkSession spark, Warehouse warehouse, Domain domain, ModelRegistry.Champion champion, LocalDate onlyDate) {
    Dataset<Row> documents =
        warehouse.read(spark, TableName.DOCUMENTS)
            .where(col("domain").equalTo(domain.key()))
            .select("doc_id", "domain", "source", "event_date", "entities", "text");
    if (onlyDate != null) {
      documents = documents.where(col("event_date").equalTo(lit(java.sql.Date.valueOf(onlyDate))));
    }
    if (!warehouse.exists(spark, TableName.SENTIMENT_SCORES)) {
      return documents;
    }
    Dataset<Row> done =
        warehouse.read(spark, TableName.SENTIMENT_SCORES)
            .where(col("model_name").equalTo(champion.modelName()).and(col("model_version").equalTo(champion.version())))
            .select(col("doc_id").as("s_doc_id"));
    return documents.join(done, col("doc_id").equalTo(col("s_doc_id")), "left_anti");
  }

  /** silver.tokens of one tokenizer, with doc_id as t_doc_id. */
  private static Dataset<Row> tokens(SparkSession spark, Warehouse warehouse, String tokenizerId) {
    return warehouse.read(spark, TableName.TOKENS)
        .where(col("tokenizer_id").equalTo(tokenizerId))
        .select(col("doc_id").as("t_doc_id"), col("input_ids"), col("truncated"));
  }

  /** The command that builds a tokenizer id's tokens {@code encoder@digest/maxN} (when the digest matches the configured file). */
  static String tokenizeCommand(String tokenizerId) {
    return "./pipeline tokenize --set tokenize.encoder=" + tokenizerId.substring(0, Math.max(tokenizerId.indexOf('@'), 0))
        + " --set tokenize.max-length=" + maxLength(tokenizerId);
  }

  private static void merge(SparkSession spark, Warehouse warehouse, Dataset<Row> scored) {
    String location = warehouse.location(TableName.SENTIMENT_SCORES);
    if (!warehouse.exists(spark, TableName.SENTIMENT_SCORES)) {
      StructType commented = new StructType();
      for (StructField field : SCHEMA.fields()) {
        commented = commented.add(field.name(), field.dataType(), field.nullable(), COMMENTS.get(field.name()));
      }
      DeltaTable.createIfNotExists(spark)
          .location(location)
          .addColumns(commented)
          .partitionedBy("event_date")
          .comment("Sentiment of every document per model version")
          .property("delta.dataSkippingStatsColumns", "doc_id,domain,source,label,score,confidence,model_name,model_version")
          .execute();
    }
    DeltaTable.forPath(spark, location)
        .as("t")
        .merge(scored.as("s"), "t.doc_id = s.doc_id AND t.model_version = s.model_version AND t.event_date <=> s.event_date")
        .whenNotMatched()
        .insertAll()
        .execute();
    warehouse.register(spark, TableName.SENTIMENT_SCORES);
  }

  /** The highest load count each executor JVM reported. */
  static Map<String, Long> loadsPerJvm(List<String> reports) {
    Map<String, Long> loads = new TreeMap<>();
    for (String report : reports) {
      int eq = report.lastIndexOf('=');
      loads.merge(report.substring(0, eq), Long.parseLong(report.substring(eq + 1)), Math::max);
    }
    return loads;
  }
}
