package io.sentimentpipeline.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.List;
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

  /** Adds a {@code split} column. */
  public static Dataset<Row> assign(Dataset<Row> labelled, SplitConfig config) {
    Column bucket =
        pmod(xxhash64(lit(config.seed()), col("doc_id")), lit(BUCKETS)).cast("double").divide(BUCKETS);
    return labelled.withColumn(
        "split",
        when(bucket.lt(config.testFraction()), TEST)
            .when(bucket.lt(config.testFraction() + config.validationFraction()), VALIDATION)
            .otherwise(TRAIN));
  }
}
