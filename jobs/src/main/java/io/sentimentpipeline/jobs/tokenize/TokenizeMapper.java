package io.sentimentpipeline.jobs.tokenize;

import io.sentimentpipeline.udfs.nlp.SparkNlpTokenization;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import io.sentimentpipeline.udfs.nlp.WordPieceEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import scala.collection.JavaConverters;
import scala.collection.mutable.WrappedArray;

/**
 * Executor side of tokenize, one pass per document: the Spark NLP words (the fitted pipeline run
 * on each text inside the task), the encoder's own WordPiece ids for the text (ids only, a batch
 * per native call, with the JVM-wide tokenizer), and for the sampled documents whether the ids
 * built from the Spark NLP words are the same (the parity check). Counts go to {@link Counters},
 * so the summary needs no second pass over the rows.
 */
final class TokenizeMapper implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  /** Input: doc_id, domain, text, parity_sampled. */
  static final StructType OUTPUT =
      new StructType()
          .add("doc_id", DataTypes.StringType, false)
          .add("domain", DataTypes.StringType)
          .add("tokens", DataTypes.createArrayType(DataTypes.StringType))
          .add("norm_tokens", DataTypes.createArrayType(DataTypes.StringType))
          .add("n_tokens", DataTypes.IntegerType)
          .add("input_ids", DataTypes.createArrayType(DataTypes.IntegerType, false))
          .add("n_input_ids", DataTypes.IntegerType)
          .add("truncated", DataTypes.BooleanType)
          .add("spark_nlp_ids_match", DataTypes.BooleanType)
          .add("tokenizer_id", DataTypes.StringType);

  /** Driver-registered sums over the rows produced (counted once per partition by the write's result stage). */
  record Counters(
      LongAccumulator documents,
      LongAccumulator tokens,
      LongAccumulator inputIds,
      LongAccumulator truncated,
      LongAccumulator parityChecked,
      LongAccumulator parityMatches)
      implements java.io.Serializable {}

  private final PipelineModel nlp;
  private final TokenizerSpec spec;
  private final String tokenizerId;
  private final int batchSize;
  private final Counters counters;

  TokenizeMapper(PipelineModel nlp, TokenizerSpec spec, String tokenizerId, int batchSize, Counters counters) {
    this.nlp = nlp;
    this.spec = spec;
    this.tokenizerId = tokenizerId;
    this.batchSize = batchSize;
    this.counters = counters;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> docs) {
    SparkNlpTokenization.Words words = new SparkNlpTokenization.Words(nlp);
    WordPieceEncoder encoder = WordPieceEncoder.forSpec(spec);
    return new Iterator<>() {
      private Iterator<Row> batch = List.<Row>of().iterator();

      @Override
      public boolean hasNext() {
        if (!batch.hasNext() && docs.hasNext()) {
          batch = encodeBatch(words, encoder, docs).iterator();
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

  private List<Row> encodeBatch(SparkNlpTokenization.Words words, WordPieceEncoder encoder, Iterator<Row> docs) {
    List<Row> inputs = new ArrayList<>(batchSize);
    while (docs.hasNext() && inputs.size() < batchSize) {
      inputs.add(docs.next());
    }
    String[] texts = new String[inputs.size()];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = inputs.get(i).getString(2);
    }
    WordPieceEncoder.Ids[] encoded = encoder.encodeIds(texts);
    List<Row> out = new ArrayList<>(inputs.size());
    long tokens = 0;
    long inputIds = 0;
    long truncated = 0;
    long checked = 0;
    long matches = 0;
    for (int i = 0; i < texts.length; i++) {
      Row doc = inputs.get(i);
      SparkNlpTokenization.Words.Split split = words.split(texts[i]);
      int[] ids = encoded[i].ids();
      Boolean match = null;
      if (doc.getBoolean(3)) {
        match = Arrays.equals(ids, encoder.encodeWordIds(split.tokens()));
        checked++;
        matches += match ? 1 : 0;
      }
      tokens += split.tokens().size();
      inputIds += ids.length;
      truncated += encoded[i].truncated() ? 1 : 0;
      out.add(
          RowFactory.create(
              doc.getString(0),
              doc.getString(1),
              JavaConverters.asScalaBuffer(split.tokens()),
              JavaConverters.asScalaBuffer(split.normTokens()),
              split.tokens().size(),
              WrappedArray.make(ids),
              ids.length,
              encoded[i].truncated(),
              match,
              tokenizerId));
    }
    counters.documents().add(texts.length);
    counters.tokens().add(tokens);
    counters.inputIds().add(inputIds);
    counters.truncated().add(truncated);
    counters.parityChecked().add(checked);
    counters.parityMatches().add(matches);
    return out;
  }
}
