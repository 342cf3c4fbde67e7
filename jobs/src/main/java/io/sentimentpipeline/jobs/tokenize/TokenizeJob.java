package io.sentimentpipeline.jobs.tokenize;

import static org.apache.spark.sql.functions.col;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.StageLease;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.udfs.nlp.SparkNlpTokenization;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Tokenize: for documents not yet tokenized with the configured encoder's tokenizer, Spark NLP
 * splits the text into words in parallel ({@code tokens}, {@code norm_tokens}) and the encoder's
 * own Hugging Face tokenizer gives the model its exact ids ({@code input_ids}); a hashed sample of
 * the documents ({@code tokenize.parity-sample}) also checks that the Spark NLP words give the same
 * ids. One pass per document inside each task ({@link TokenizeMapper}), counted as the rows are
 * written. Appends to {@code silver.tokens}.
 */
public final class TokenizeJob {

  private TokenizeJob() {}

  /**
   * Counts for the documents tokenized in this run; {@code parityChecked} of them were in the
   * parity sample, and {@code parityMatches} of those got the same ids from their Spark NLP words
   * as from their text.
   */
  public record Result(
      String tokenizerId,
      long documents,
      long tokens,
      long inputIds,
      long truncated,
      long parityChecked,
      long parityMatches) {

    /** The share of checked documents whose ids matched; NaN when none was checked. */
    public double parityShare() {
      return parityChecked == 0 ? Double.NaN : (double) parityMatches / parityChecked;
    }

    @Override
    public String toString() {
      if (documents == 0) {
        return "nothing new: every document in silver.documents already has tokens for " + tokenizerId;
      }
      String parity =
          parityChecked == 0
              ? "not checked (tokenize.parity-sample)"
              : String.format("%.2f%% of %d sampled documents", 100 * parityShare(), parityChecked);
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
    TokenizeMapper.Counters counters = counters(spark);
    Dataset<Row> tokens =
        pending
            .select(col("doc_id"), col("domain"), col("text"), ParitySample.sampled(tokenize.paritySample()).as("parity_sampled"))
            .mapPartitions(
                new TokenizeMapper(
                    SparkNlpTokenization.fit(spark, tokenize.normalizerCleanup()),
                    tokenize.tokenizer(),
                    tokenizerId,
                    tokenize.batchSize(),
                    counters),
                Encoders.row(TokenizeMapper.OUTPUT));
    warehouse.append(tokens, TableName.TOKENS);
    warehouse.register(spark, TableName.TOKENS);
    return new Result(
        tokenizerId,
        counters.documents().value(),
        counters.tokens().value(),
        counters.inputIds().value(),
        counters.truncated().value(),
        counters.parityChecked().value(),
        counters.parityMatches().value());
  }

  private static TokenizeMapper.Counters counters(SparkSession spark) {
    var context = spark.sparkContext();
    return new TokenizeMapper.Counters(
        context.longAccumulator("tokenize documents"),
        context.longAccumulator("tokenize tokens"),
        context.longAccumulator("tokenize input ids"),
        context.longAccumulator("tokenize truncated"),
        context.longAccumulator("tokenize parity checked"),
        context.longAccumulator("tokenize parity matches"));
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
}
