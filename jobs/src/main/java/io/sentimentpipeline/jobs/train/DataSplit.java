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
}
