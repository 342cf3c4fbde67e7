package io.sentimentpipeline.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Assigns each labelled document to {@code train}, {@code validation} or {@code test} from a seeded
 * hash of its {@code doc_id}. Every class is split in the same proportions (stratified in
 * expectation), the assignment needs no shuffle, and a document keeps its split as the corpus grows,
 * so a later model is never tested on what an earlier one trained on.
 */
public final class DataSplit {

  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";

  private static final long BUCKETS = 1_000_000L;

  private DataSplit() {}

  /** {@code label}'s position in {@code labels} (0-based), the class index models train on. */
  public static Column labelIndex(List<String> labels) {
    Column[] names = labels.stream().map(functions::lit).toArray(Column[]::new);
    return functions.array_position(functions.array(names), col("label")).minus(1).cast("int");
  }

  /**
   * Adds a {@code split} column. Documents of a source listed in {@code train.split.sources} go to
   * that split (a dataset's official test set, say); when some source supplies the test set, the
   * hashed documents are split into train and validation only.
   */
  public static Dataset<Row> assign(Dataset<Row> labelled, SplitConfig config) {
    Column bucket =
        pmod(xxhash64(lit(config.seed()), col("doc_id")), lit(BUCKETS)).cast("double").divide(BUCKETS);
    double testFraction = config.sources().containsValue(TEST) ? 0 : config.testFraction();
    Column hashed =
        when(bucket.lt(testFraction), TEST)
            .when(bucket.lt(testFraction + config.validationFraction()), VALIDATION)
            .otherwise(TRAIN);
    Column split = hashed;
    for (Map.Entry<String, String> fixed : config.sources().entrySet()) {
      split = when(col("source").equalTo(fixed.getKey()), fixed.getValue()).otherwise(split);
    }
    return labelled.withColumn("split", split);
  }

  /**
   * Applies {@code train.split.sampling} to the training documents of a split from {@link #assign}:
   * a source with rate r keeps each document floor(r) times, plus once more when a second seeded
   * hash of its {@code doc_id} falls below r - floor(r). Validation and test are never resampled, so
   * metrics stay comparable across sampling settings; the draw is deterministic.
   */
  public static Dataset<Row> sample(Dataset<Row> split, SplitConfig config) {
    if (config.sampling().isEmpty()) {
      return split;
    }
    Column rate = lit(1.0);
    for (Map.Entry<String, Double> entry : config.sampling().entrySet()) {
      rate = when(col("source").equalTo(entry.getKey()), lit(entry.getValue())).otherwise(rate);
    }
    rate = when(col("split").equalTo(TRAIN), rate).otherwise(lit(1.0));
    Column draw = pmod(xxhash64(lit(config.seed() + 1), col("doc_id")), lit(BUCKETS)).cast("double").divide(BUCKETS);
    Column copies = functions.floor(rate).plus(when(draw.lt(rate.minus(functions.floor(rate))), 1).otherwise(0)).cast("int");
    Column repeat = functions.explode(functions.array_repeat(lit(true), copies));
    return split.withColumn("_copies", copies)
        .where(col("_copies").gt(0))
        .withColumn("_copy", repeat)
        .drop("_copies", "_copy");
  }
}
