package io.sentimentpipeline.jobs.tokenize;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.StageLease;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.udfs.nlp.SparkNlpTokenization;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Tokenize: for documents not yet tokenized with the configured encoder's tokenizer, Spark NLP
 * splits the text into words in parallel ({@code tokens}, {@code norm_tokens}) and the encoder's
 * own Hugging Face tokenizer gives the model its exact ids ({@code input_ids}). Appends to {@code
 * silver.tokens}.
 */
public final class TokenizeJob {

  private TokenizeJob() {}

  /**
   * Counts for the documents tokenized in this run; {@code parityMatches} of them got the same ids
   * from their Spark NLP words as from their text.
   */
  public record Result(
      String tokenizerId, long documents, long tokens, long inputIds, long truncated, long parityMatches) {

    public double parityShare() {
      return documents == 0 ? 1.0 : (double) parityMatches / documents;
    }

    @Override
    public String toString() {
      if (documents == 0) {
        return "nothing new: every document in silver.documents already has tokens for " + tokenizerId;
      }
      String parity = String.format("%.2f%%", 100 * parityShare());
      return String.format(
          "%d documents, %d Spark NLP tokens, %d WordPiece ids (%d truncated) with %s; parity %s",
          documents, tokens, inputIds, truncated, tokenizerId, parity);
    }
  }

  public static Result run(SparkSession spark, Warehouse warehouse, TokenizeConfig tokenize) {
    try (StageLease lease = StageLease.acquire(warehouse, "tokenize")) {
      return runHoldingLease(spark, warehouse, tokenize);
    }
  }

  private static Result runHoldingLease(SparkSession spark, Warehouse warehouse, TokenizeConfig tokenize) {
    if (!warehouse.exists(spark, TableName.DOCUMENTS)) {
      throw new PipelineException(
          ErrorCategory.BAD_INPUT,
          "silver.documents does not exist in " + warehouse.root() + ": run `./pipeline clean` first.");
    }
    String tokenizerId = tokenizerId(tokenize);
    spark.sparkContext().setJobDescription("tokenize with " + tokenizerId);

    // Spread the work over every core: a freshly merged table may sit in one or two files.
    Dataset<Row> pending = pendingDocuments(spark, warehouse, tokenizerId);
    pending = pending.repartition(Math.max(2 * spark.sparkContext().defaultParallelism(), pending.rdd().getNumPartitions()));
    PipelineModel nlp = SparkNlpTokenization.pipeline(tokenize.normalizerCleanup()).fit(pending);
    Dataset<Row> tokens =
        SparkNlpTokenization.tokenize(nlp, pending)
            .select("doc_id", "domain", "text", "tokens", "norm_tokens")
            .mapPartitions(
                new WordPieceMapper(tokenize.tokenizer(), tokenizerId, tokenize.batchSize()),
                Encoders.row(WordPieceMapper.OUTPUT))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Result result = summarise(tokenizerId, tokens);
      warehouse.append(tokens, TableName.TOKENS);
      warehouse.register(spark, TableName.TOKENS);
      return result;
    } finally {
      tokens.unpersist();
    }
  }

  private static String tokenizerId(TokenizeConfig tokenize) {
    try {
      return tokenize.tokenizer().tokenizerId();
    } catch (RuntimeException e) {
      throw new PipelineException(
          ErrorCategory.USAGE_OR_CONFIG,
          "Cannot read the tokenizer of encoder '" + tokenize.tokenizer().encoder() + "' at "
              + tokenize.tokenizer().location() + ": " + e.getMessage()
              + ". Check encoders." + tokenize.tokenizer().encoder() + ".tokenizer.",
          e);
    }
  }

  /** Documents with no row in silver.tokens for this tokenizer. */
  private static Dataset<Row> pendingDocuments(SparkSession spark, Warehouse warehouse, String tokenizerId) {
    Dataset<Row> documents =
        warehouse.read(spark, TableName.DOCUMENTS).select("doc_id", "domain", "text");
    if (!warehouse.exists(spark, TableName.TOKENS)) {
      return documents;
    }
    Dataset<Row> done =
        warehouse.read(spark, TableName.TOKENS)
            .where(col("tokenizer_id").equalTo(tokenizerId))
            .select("doc_id");
    return documents.join(done, documents.col("doc_id").equalTo(done.col("doc_id")), "left_anti");
  }

  private static Result summarise(String tokenizerId, Dataset<Row> tokens) {
    Row row =
        tokens
            .agg(
                count(lit(1)),
                sum(col("n_tokens")).cast(DataTypes.LongType),
                sum(col("n_input_ids")).cast(DataTypes.LongType),
                sum(when(col("truncated"), 1).otherwise(0)).cast(DataTypes.LongType),
                sum(when(col("spark_nlp_ids_match"), 1).otherwise(0)).cast(DataTypes.LongType))
            .first();
    return new Result(
        tokenizerId,
        row.getLong(0),
        row.isNullAt(1) ? 0 : row.getLong(1),
        row.isNullAt(2) ? 0 : row.getLong(2),
        row.isNullAt(3) ? 0 : row.getLong(3),
        row.isNullAt(4) ? 0 : row.getLong(4));
  }
}
