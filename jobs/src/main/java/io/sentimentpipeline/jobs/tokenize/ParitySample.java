package io.sentimentpipeline.jobs.tokenize;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;

/**
 * Which documents get the parity check ({@code tokenize.parity-sample}): a share chosen by
 * {@code xxhash64(doc_id)}, so a rerun, another machine or another partitioning checks the same
 * documents, and a larger share checks a superset of a smaller one.
 */
final class ParitySample {

  /** Resolution of the share: millionths. */
  static final long BUCKETS = 1_000_000L;

  private ParitySample() {}

  /** True for the documents to check: none at share 0, all at 1. */
  static Column sampled(double share) {
    if (share <= 0) {
      return lit(false);
    }
    if (share >= 1) {
      return lit(true);
    }
    return pmod(xxhash64(col("doc_id")), lit(BUCKETS)).lt(lit(Math.round(share * BUCKETS)));
  }
}
