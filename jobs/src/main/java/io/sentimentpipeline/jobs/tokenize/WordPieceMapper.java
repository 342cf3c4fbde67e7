package io.sentimentpipeline.jobs.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import io.sentimentpipeline.udfs.nlp.WordPieceEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Executor side of tokenize: gives each document the encoder's own WordPiece ids for its cleaned
 * text, in batches, with the JVM-wide tokenizer; and checks whether the ids built from the Spark
 * NLP words are the same (the parity figure).
 */
final class WordPieceMapper implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  /** Input: doc_id, domain, text, tokens, norm_tokens. */
  static final StructType OUTPUT =
      new StructType()
          .add("doc_id", DataTypes.StringType, false)
          .add("domain", DataTypes.StringType)
          .add("tokens", DataTypes.createArrayType(DataTypes.StringType))
          .add("norm_tokens", DataTypes.createArrayType(DataTypes.StringType))
          .add("n_tokens", DataTypes.IntegerType)
          .add("input_ids", DataTypes.createArrayType(DataTypes.IntegerType, false))
          .add("attention_mask", DataTypes.createArrayType(DataTypes.IntegerType, false))
          .add("n_input_ids", DataTypes.IntegerType)
          .add("truncated", DataTypes.BooleanType)
          .add("spark_nlp_ids_match", DataTypes.BooleanType)
          .add("tokenizer_id", DataTypes.StringType);

  private final TokenizerSpec spec;
  private final String tokenizerId;
  private final int batchSize;

  WordPieceMapper(TokenizerSpec spec, String tokenizerId, int batchSize) {
    this.spec = spec;
    this.tokenizerId = tokenizerId;
    this.batchSize = batchSize;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> docs) {
    WordPieceEncoder encoder = WordPieceEncoder.forSpec(spec);
    return new Iterator<>() {
      private Iterator<Row> batch = List.<Row>of().iterator();

      @Override
      public boolean hasNext() {
        if (!batch.hasNext() && docs.hasNext()) {
          batch = encodeBatch(encoder, docs).iterator();
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

  private List<Row> encodeBatch(WordPieceEncoder encoder, Iterator<Row> docs) {
    List<Row> inputs = new ArrayList<>(batchSize);
    List<String> texts = new ArrayList<>(batchSize);
    while (docs.hasNext() && inputs.size() < batchSize) {
      Row doc = docs.next();
      inputs.add(doc);
      texts.add(doc.getString(2));
    }
    Encoding[] encodings = encoder.encodeTexts(texts);
    List<Row> out = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      Row doc = inputs.get(i);
      scala.collection.Seq<String> tokenSeq = doc.getSeq(3);
      List<String> tokens = JavaConverters.seqAsJavaList(tokenSeq);
      long[] ids = encodings[i].getIds();
      long[] fromSparkNlp = encoder.encodeWords(tokens).getIds();
      out.add(
          RowFactory.create(
              doc.getString(0),
              doc.getString(1),
              tokenSeq,
              doc.getSeq(4),
              tokens.size(),
              toIntList(ids),
              toIntList(encodings[i].getAttentionMask()),
              ids.length,
              encodings[i].exceedMaxLength(),
              Arrays.equals(ids, fromSparkNlp),
              tokenizerId));
    }
    return out;
  }

  /** Row encoders take Scala sequences for array columns. */
  private static scala.collection.Seq<Integer> toIntList(long[] values) {
    List<Integer> list = new ArrayList<>(values.length);
    for (long value : values) {
      list.add((int) value);
    }
    return JavaConverters.asScalaBuffer(list);
  }
}
