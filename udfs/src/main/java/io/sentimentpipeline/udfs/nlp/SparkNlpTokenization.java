package io.sentimentpipeline.udfs.nlp;

import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.annotators.Normalizer;
import com.johnsnowlabs.nlp.annotators.Tokenizer;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.col;

/**
 * The rule-based Spark NLP pipeline that splits cleaned text into words in parallel over
 * partitions: DocumentAssembler, Tokenizer, and a lower-casing Normalizer for bag-of-words
 * features. Needs no pretrained download.
 */
public final class SparkNlpTokenization {

  private SparkNlpTokenization() {}

  /** Unfitted pipeline reading column {@code text}. */
  public static Pipeline pipeline(String normalizerCleanupPattern) {
    DocumentAssembler document = new DocumentAssembler();
    document.setInputCol("text");
    document.setOutputCol("document");
    document.setCleanupMode("disabled");

    Tokenizer tokenizer = new Tokenizer();
    tokenizer.setInputCols(new String[] {"document"});
    tokenizer.setOutputCol("token");

    Normalizer normalizer = new Normalizer();
    normalizer.setInputCols(new String[] {"token"});
    normalizer.setOutputCol("normalized");
    normalizer.setLowercase(true);
    normalizer.setCleanupPatterns(new String[] {normalizerCleanupPattern});

    return new Pipeline().setStages(new PipelineStage[] {document, tokenizer, normalizer});
  }

  /**
   * Adds {@code tokens} (Spark NLP words, case kept) and {@code norm_tokens} (lower-cased, cleaned)
   * to {@code docs}, which must have a {@code text} column; other columns pass through.
   */
  public static Dataset<Row> tokenize(PipelineModel fitted, Dataset<Row> docs) {
    return fitted
        .transform(docs)
        .withColumn("tokens", col("token.result"))
        .withColumn("norm_tokens", col("normalized.result"))
        .drop("document", "token", "normalized");
  }
}
