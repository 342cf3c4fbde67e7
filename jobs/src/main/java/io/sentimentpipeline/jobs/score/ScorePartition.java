package io.sentimentpipeline.jobs.score;

import ai.djl.engine.Engine;
import io.sentimentpipeline.jobs.TaskDevice;
import io.sentimentpipeline.jobs.registry.ModelBundle;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import io.sentimentpipeline.udfs.nlp.WordPieceEncoder;
import io.sentimentpipeline.udfs.score.DocumentScorer;
import io.sentimentpipeline.udfs.score.ExecutorModelCache;
import io.sentimentpipeline.udfs.score.ScoringModel;
import io.sentimentpipeline.udfs.score.SentimentScore;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Scores one partition of documents on an executor with the JVM's shared model (loaded once per
 * executor JVM and device by {@link ExecutorModelCache}, on the engine {@code score.engine} and
 * {@code score.precision} ask for and the bundle has, ONNX Runtime using the task's cores; the bytes it reads are verified against the
 * digests in ml.models, since a file may change after the driver checked it).
 * Documents the tokenizer truncated are encoded again up to {@code score.max-document-tokens} and
 * scored in overlapping chunks. Each partition reports how often its JVM has loaded this bundle.
 *
 * <p>Input columns: doc_id, domain, source, event_date, entities, input_ids, truncated, text.
 */
final class ScorePartition implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  static final StructType OUTPUT =
      new StructType()
          .add("doc_id", DataTypes.StringType, false)
          .add("domain", DataTypes.StringType)
          .add("source", DataTypes.StringType)
          .add("event_date", DataTypes.DateType)
          .add("entities", DataTypes.createArrayType(DataTypes.StringType))
          .add("label", DataTypes.StringType)
          .add("p_negative", DataTypes.DoubleType)
          .add("p_neutral", DataTypes.DoubleType)
          .add("p_positive", DataTypes.DoubleType)
          .add("score", DataTypes.DoubleType)
          .add("confidence", DataTypes.DoubleType)
          .add("model_name", DataTypes.StringType)
          .add("model_version", DataTypes.IntegerType)
          .add("scored_at", DataTypes.TimestampType);

  private final ModelRegistry.Champion champion;
  private final TokenizerSpec fullLength;
  private final ScoreConfig config;
  private final Timestamp scoredAt;
  private final CollectionAccumulator<String> loadReports;

  ScorePartition(
      ModelRegistry.Champion champion,
      TokenizerSpec fullLength,
      ScoreConfig config,
      Timestamp scoredAt,
      CollectionAccumulator<String> loadReports) {
    this.champion = champion;
    this.fullLength = fullLength;
    this.config = config;
    this.scoredAt = scoredAt;
    this.loadReports = loadReports;
  }

  /**
   * The champion's model in this executor JVM (loaded on first use, then shared by its tasks) on the
   * task's device, with the engine and threads {@code score.*} and the task's cores ask for.
   */
  static ScoringModel executorModel(ModelRegistry.Champion champion, ScoreConfig config) {
    TaskDevice device = TaskDevice.of(TaskContext.get().resourcesJMap().get("gpu"), Engine.getEngine("PyTorch").getGpuCount());
    return ExecutorModelCache.get(
        champion.bundleChecksum(),
        device.device(),
        config.scoringOptions(
            SparkEnv.get().conf().getInt("spark.executor.cores", Runtime.getRuntime().availableProcessors()),
            TaskContext.get().cpus()),
        () -> ModelBundle.readVerified(champion, SparkHadoopUtil.get().newConfiguration(SparkEnv.get().conf())));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> documents) {
    if (!documents.hasNext()) {
      return List.<Row>of().iterator();
    }
    ScoringModel model = executorModel(champion, config);
    loadReports.add(SparkEnv.get().executorId() + "=" + ExecutorModelCache.loads(champion.bundleChecksum()));
    // score.chunk-overlap is an upper bound: a model with a short window overlaps by at most half of it.
    int overlap = Math.min(config.chunkOverlap(), model.maxLength() / 2);
    DocumentScorer scorer =
        new DocumentScorer(model, overlap, config.chunkAggregation(), config.neutralBand(), config.batchSize());
    return new Iterator<>() {
      private Iterator<Row> batch = List.<Row>of().iterator();

      @Override
      public boolean hasNext() {
        if (!batch.hasNext() && documents.hasNext()) {
          batch = scoreBatch(scorer, documents).iterator();
        }
        return batch.hasNext();
      }

      @Override
      public Row next() {
        hasNext();
        return batch.next();
      }
    };
  }

  private List<Row> scoreBatch(DocumentScorer scorer, Iterator<Row> documents) {
    List<Row> rows = new ArrayList<>();
    List<long[]> ids = new ArrayList<>();
    while (documents.hasNext() && rows.size() < config.documentsPerCall()) {
      Row row = documents.next();
      rows.add(row);
      ids.add(row.getBoolean(6) ? fullIds(row.getString(7)) : toLongs(row.getList(5)));
    }
    List<SentimentScore> scores = scorer.score(ids);
    List<Row> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Row in = rows.get(i);
      SentimentScore s = scores.get(i);
      out.add(
          RowFactory.create(
              in.getString(0), in.getString(1), in.getString(2), in.getDate(3), in.get(4), s.label(), s.pNegative(),
              s.pNeutral(), s.pPositive(), s.score(), s.confidence(), champion.modelName(), champion.version(), scoredAt));
    }
    return out;
  }

  /** The whole document (up to score.max-document-tokens), for chunked scoring. */
  private long[] fullIds(String text) {
    return WordPieceEncoder.forSpec(fullLength).encodeTexts(List.of(text))[0].getIds();
  }

  private static long[] toLongs(List<Integer> ids) {
    long[] out = new long[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.get(i);
    }
    return out;
  }
}
