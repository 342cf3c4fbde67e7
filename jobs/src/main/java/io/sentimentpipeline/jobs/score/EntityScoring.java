package io.sentimentpipeline.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import io.delta.tables.DeltaTable;
import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.udfs.nlp.PairEncoder;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import io.sentimentpipeline.udfs.score.BundleSpec;
import io.sentimentpipeline.udfs.score.ScoreMapper;
import io.sentimentpipeline.udfs.score.ScoringModel;
import io.sentimentpipeline.udfs.score.SentimentScore;
import io.sentimentpipeline.udfs.text.EntityExtractor;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Entity-level scoring: for a domain with an entity champion ({@code train --target entity}), each
 * (document, ticker) pair of the documents with entities gets its own score in {@code
 * gold.entity_sentiment_scores}, one row per entity, so "Infosys beats estimates as Wipro warns"
 * can be positive for one and negative for the other. The model reads the document's text with the
 * company's name as the text mentions it ({@link EntityExtractor#mentions}). Incremental like
 * gold.sentiment_scores: documents with rows from this model version are skipped, and the MERGE is
 * keyed by (doc_id, entity, model_version), so reruns change nothing. The document-level scores
 * are left as they are.
 */
final class EntityScoring {

  static final StructType OUTPUT =
      new StructType()
          .add("doc_id", DataTypes.StringType, false)
          .add("domain", DataTypes.StringType)
          .add("source", DataTypes.StringType)
          .add("event_date", DataTypes.DateType)
          .add("entity", DataTypes.StringType, false)
          .add("mention", DataTypes.StringType)
          .add("label", DataTypes.StringType)
          .add("p_negative", DataTypes.DoubleType)
          .add("p_neutral", DataTypes.DoubleType)
          .add("p_positive", DataTypes.DoubleType)
          .add("score", DataTypes.DoubleType)
          .add("confidence", DataTypes.DoubleType)
          .add("model_name", DataTypes.StringType)
          .add("model_version", DataTypes.IntegerType)
          .add("scored_at", DataTypes.TimestampType);

  private EntityScoring() {}

  /** Scores the domain's unscored documents with entities; returns the rows written. */
  static ScoreJob.DomainResult score(
      SparkSession spark, ScoreConfig score, Warehouse warehouse, Domain domain, ModelRegistry.Champion champion, LocalDate onlyDate) {
    spark.sparkContext().setJobDescription("score " + domain.key() + " entities with " + champion.describe());
    Dataset<Row> documents =
        warehouse.read(spark, TableName.DOCUMENTS)
            .where(col("domain").equalTo(domain.key()).and(size(col("entities")).gt(0)))
            .select("doc_id", "domain", "source", "event_date", "entities", "title", "text");
    if (onlyDate != null) {
      documents = documents.where(col("event_date").equalTo(lit(java.sql.Date.valueOf(onlyDate))));
    }
    if (warehouse.exists(spark, TableName.ENTITY_SCORES)) {
      Dataset<Row> done =
          warehouse.read(spark, TableName.ENTITY_SCORES)
              .where(col("model_name").equalTo(champion.modelName()).and(col("model_version").equalTo(champion.version())))
              .select(col("doc_id").as("s_doc_id")).distinct();
      documents = documents.join(done, col("doc_id").equalTo(col("s_doc_id")), "left_anti");
    }
    Partition partition = new Partition(champion, score, Timestamp.from(Instant.now()));
    Dataset<Row> scored =
        documents.repartition(Math.max(2 * spark.sparkContext().defaultParallelism(), 1))
            .mapPartitions(partition, Encoders.row(OUTPUT))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long count = scored.count();
      if (count > 0) {
        merge(spark, warehouse, scored);
      }
      return new ScoreJob.DomainResult(domain.key() + " entities", champion.modelName(), champion.version(), count,
          "(document, entity) pairs", 0, champion.tokenizerId(), Map.of());
    } finally {
      scored.unpersist();
    }
  }

  private static void merge(SparkSession spark, Warehouse warehouse, Dataset<Row> scored) {
    String location = warehouse.location(TableName.ENTITY_SCORES);
    DeltaTable.createIfNotExists(spark)
        .location(location)
        .addColumns(OUTPUT)
        .partitionedBy("event_date")
        .comment("Sentiment about each entity of a document, per entity-model version (one row per document and entity)")
        .execute();
    DeltaTable.forPath(spark, location)
        .as("t")
        .merge(scored.as("s"),
            "t.doc_id = s.doc_id AND t.entity = s.entity AND t.model_version = s.model_version AND t.event_date <=> s.event_date")
        .whenNotMatched()
        .insertAll()
        .execute();
    warehouse.register(spark, TableName.ENTITY_SCORES);
  }

  /**
   * Scores a partition of documents: one row per (document, ticker), the pair encoded with the
   * model's max length. Input: doc_id, domain, source, event_date, entities, title, text.
   */
  static final class Partition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final ModelRegistry.Champion champion;
    private final ScoreConfig config;
    private final Timestamp scoredAt;

    Partition(ModelRegistry.Champion champion, ScoreConfig config, Timestamp scoredAt) {
      this.champion = champion;
      this.config = config;
      this.scoredAt = scoredAt;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> documents) {
      if (!documents.hasNext()) {
        return List.<Row>of().iterator();
      }
      ScoringModel model = ScorePartition.executorModel(champion, config);
      if (!BundleSpec.TEXT_PAIR.equals(model.inputKind())) {
        throw new PipelineException(ErrorCategory.BAD_INPUT,
            champion.describe() + " is registered as an entity model but its bundle reads '" + model.inputKind()
                + "', not text pairs; retrain it with `./pipeline train --target entity --domain " + champion.domain() + "`");
      }
      TokenizerSpec configured = config.tokenize().tokenizer();
      PairEncoder encoder = PairEncoder.forSpec(new TokenizerSpec(configured.encoder(), configured.location(), model.maxLength()));
      EntityExtractor extractor = config.entities().extractor();
      ScoreMapper mapper = new ScoreMapper(model.labels(), config.neutralBand());
      List<Row> out = new ArrayList<>();
      while (documents.hasNext()) {
        List<Object[]> pending = new ArrayList<>();
        List<long[]> ids = new ArrayList<>();
        List<long[]> types = new ArrayList<>();
        while (documents.hasNext() && ids.size() < config.documentsPerCall()) {
          Row doc = documents.next();
          String text = doc.getString(6);
          String title = doc.getString(5);
          Map<String, String> mentions = extractor.mentions(title == null ? text : title + " " + text);
          for (String entity : doc.<String>getList(4)) {
            String mention = mentions.getOrDefault(entity, entity);
            PairEncoder.EncodedPair pair = encoder.encode(text, mention);
            ids.add(pair.inputIds());
            types.add(pair.tokenTypeIds());
            pending.add(new Object[] {doc, entity, mention});
          }
        }
        float[][] probabilities = model.probabilities(ids, types, config.batchSize());
        for (int i = 0; i < pending.size(); i++) {
          Row doc = (Row) pending.get(i)[0];
          SentimentScore s = mapper.map(probabilities[i]);
          out.add(RowFactory.create(
              doc.getString(0), doc.getString(1), doc.getString(2), doc.getDate(3), pending.get(i)[1], pending.get(i)[2],
              s.label(), s.pNegative(), s.pNeutral(), s.pPositive(), s.score(), s.confidence(), champion.modelName(),
              champion.version(), scoredAt));
        }
      }
      return out.iterator();
    }
  }
}
