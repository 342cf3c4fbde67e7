package io.sentimentpipeline.jobs.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import io.sentimentpipeline.jobs.SparkTestBase;
import java.util.HashSet;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The parity sample on real Spark: which doc_ids it picks and how many. */
class ParitySampleTest extends SparkTestBase {

  private static final int DOCS = 20_000;

  private static Dataset<Row> docs(int partitions) {
    return spark.range(DOCS).select(concat(lit("review-"), col("id").cast("string")).as("doc_id")).repartition(partitions);
  }

  private static Set<String> sampled(double share, int partitions) {
    Set<String> ids = new HashSet<>();
    docs(partitions).where(ParitySample.sampled(share)).collectAsList().forEach(row -> ids.add(row.getString(0)));
    return ids;
  }

  @Test
  void picksTheSameDocumentsWhateverThePartitioning() {
    assertThat(sampled(0.05, 1)).isEqualTo(sampled(0.05, 7)).isNotEmpty();
  }

  @Test
  void honoursTheShare() {
    for (double share : new double[] {0.01, 0.1, 0.5}) {
      // Binomial: 4 standard deviations either side.
      double expected = share * DOCS;
      double slack = 4 * Math.sqrt(DOCS * share * (1 - share));
      assertThat((double) sampled(share, 3).size()).as("share %s", share).isBetween(expected - slack, expected + slack);
    }
    assertThat(sampled(0, 3)).isEmpty();
    assertThat(sampled(1, 3)).hasSize(DOCS);
  }

  @Test
  void aLargerShareChecksASuperset() {
    Set<String> small = sampled(0.01, 2);
    assertThat(sampled(0.1, 2)).containsAll(small);
  }
}
