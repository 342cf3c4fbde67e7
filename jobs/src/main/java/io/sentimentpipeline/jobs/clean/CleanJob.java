package io.sentimentpipeline.jobs.clean;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.sentimentpipeline.jobs.catalog.StageLease;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.SourceConfig;
import io.sentimentpipeline.jobs.ingest.IngestJob;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Clean: turns one batch of bronze rows into {@code silver.documents} (one row per distinct
 * document, deduplicated within the batch and, by a MERGE, against earlier batches) and {@code
 * silver.quarantine} (every rejected row with its reason and raw record; the batch's rows are
 * replaced on rerun), and, for sources with entity-level labels, {@code silver.entity_labels} (one
 * row per labelled (doc_id, entity), see {@link EntityLabels}). Its accounting must balance, for the batch and for each source file: read =
 * kept + quarantined + duplicates.
 */
public final class CleanJob {

  private CleanJob() {}

  /** What one source file's rows of the batch became; same terms as {@link Result}. */
  public record FileAccount(
      String sourceFile, long rowsRead, long kept, long quarantined, long duplicatesInBatch, long duplicatesOfEarlier) {
    public boolean balances() {
      return rowsRead == kept + quarantined + duplicatesInBatch + duplicatesOfEarlier;
    }
  }

  /** What one batch became. {@code kept} counts documents new to silver.documents. */
  public record Result(
      String batchId,
      long rowsRead,
      long kept,
      long quarantined,
      long duplicatesInBatch,
      long duplicatesOfEarlier,
      Map<String, Long> quarantinedByReason,
      List<FileAccount> files) {

    private static final int FILES_SHOWN = 20;

    public long duplicates() {
      return duplicatesInBatch + duplicatesOfEarlier;
    }

    /** The batch balances, each file balances, and the files add up to the batch. */
    public boolean balances() {
      return rowsRead == kept + quarantined + duplicates()
          && files.stream().allMatch(FileAccount::balances)
          && files.stream().mapToLong(FileAccount::rowsRead).sum() == rowsRead
          && files.stream().mapToLong(FileAccount::kept).sum() == kept
          && files.stream().mapToLong(FileAccount::quarantined).sum() == quarantined;
    }

    @Override
    public String toString() {
      if (rowsRead == 0) {
        return "batch " + batchId + ": nothing new (no bronze rows for this batch: ingest found no new file, or has not"
            + " run with --run-date " + batchId + ")";
      }
      StringBuilder text = new StringBuilder(String.format(
          "batch %s: read %d = kept %d + quarantined %d + duplicates %d (%d within the batch, %d already in silver.documents); quarantined by reason %s",
          batchId, rowsRead, kept, quarantined, duplicates(), duplicatesInBatch, duplicatesOfEarlier, quarantinedByReason));
      for (FileAccount file : files.subList(0, Math.min(FILES_SHOWN, files.size()))) {
        text.append(String.format("%n  %s: read %d = kept %d + quarantined %d + duplicates %d + %d",
            file.sourceFile(), file.rowsRead(), file.kept(), file.quarantined(), file.duplicatesInBatch(),
            file.duplicatesOfEarlier()));
      }
      if (files.size() > FILES_SHOWN) {
        text.append(String.format("%n  ... and %d more files, each balancing", files.size() - FILES_SHOWN));
      }
      return text.toString();
    }
  }

  public static Result run(SparkSession spark, Warehouse warehouse, CleanConfig clean, LocalDate runDate) {
    try (StageLease lease = StageLease.acquire(warehouse, "clean")) {
      return runHoldingLease(spark, warehouse, clean, runDate);
    }
  }

  private static Result runHoldingLease(SparkSession spark, Warehouse warehouse, CleanConfig clean, LocalDate runDate) {
    String batchId = IngestJob.batchId(runDate);
    spark.sparkContext().setJobDescription("clean batch " + batchId);

    Dataset<Row> bronze = readBatch(spark, warehouse, clean.sources(), batchId);
    if (bronze == null) {
      return new Result(batchId, 0, 0, 0, 0, 0, Map.of(), List.of());
    }
    Dataset<Row> normalised =
        CleanTransforms.normalise(bronze, clean.sources(), clean, clean.entities().extractor(), runDate)
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Long> byReason = new TreeMap<>();
      long rowsRead = 0;
      for (Row row : normalised.groupBy("reason").count().collectAsList()) {
        rowsRead += row.getLong(1);
        if (!row.isNullAt(0)) {
          byReason.put(row.getString(0), row.getLong(1));
        }
      }
      long quarantined = byReason.values().stream().mapToLong(Long::longValue).sum();
      long accepted = rowsRead - quarantined;

      writeQuarantine(warehouse, batchId, CleanTransforms.quarantine(CleanTransforms.rejected(normalised)));
      // Cached: counted here, then read by the MERGE (which scans its source more than once).
      boolean entityLabels = clean.sources().stream().anyMatch(SourceConfig::hasEntityLabels);
      Dataset<Row> acceptedRows =
          entityLabels ? EntityLabels.withAgreedLabel(CleanTransforms.accepted(normalised)) : CleanTransforms.accepted(normalised);
      Dataset<Row> documents =
          CleanTransforms.documents(CleanTransforms.dedupe(acceptedRows))
              .persist(StorageLevel.MEMORY_AND_DISK());
      long distinct = documents.count();
      List<FileAccount> files = accountPerFile(spark, warehouse, normalised, documents);
      long inserted = mergeDocuments(spark, warehouse, documents);
      documents.unpersist();
      if (entityLabels) {
        // Keyed by (doc_id, entity): a rerun, or a later batch repeating a pair, inserts nothing.
        warehouse.insertNew(spark, EntityLabels.rows(acceptedRows), TableName.ENTITY_LABELS, List.of("doc_id", "entity"), "domain");
        warehouse.register(spark, TableName.ENTITY_LABELS);
      }
      warehouse.register(spark, TableName.DOCUMENTS);
      warehouse.register(spark, TableName.QUARANTINE);

      Result result =
          new Result(batchId, rowsRead, inserted, quarantined, accepted - distinct, distinct - inserted, byReason, files);
      if (!result.balances()) {
        throw new IllegalStateException("Clean accounting does not balance: " + result);
      }
      return result;
    } finally {
      normalised.unpersist();
    }
  }

  /**
   * Per source file: rows read and quarantined, distinct documents chosen from it, and how many of
   * those silver.documents does not hold yet (what the MERGE will insert).
   */
  private static List<FileAccount> accountPerFile(
      SparkSession spark, Warehouse warehouse, Dataset<Row> normalised, Dataset<Row> documents) {
    Map<String, long[]> counts = new TreeMap<>();
    for (Row row : normalised.groupBy("source_file")
        .agg(count(lit(1)), sum(when(col("reason").isNotNull(), 1).otherwise(0)).cast(DataTypes.LongType))
        .collectAsList()) {
      counts.put(row.getString(0), new long[] {row.getLong(1), row.getLong(2), 0, 0});
    }
    Dataset<Row> fresh =
        warehouse.exists(spark, TableName.DOCUMENTS)
            ? documents.join(
                warehouse.read(spark, TableName.DOCUMENTS).select(col("doc_id").as("_known")),
                col("doc_id").equalTo(col("_known")), "left_anti")
            : documents;
    for (Row row : documents.groupBy("source_file").count().collectAsList()) {
      counts.get(row.getString(0))[2] = row.getLong(1);
    }
    for (Row row : fresh.groupBy("source_file").count().collectAsList()) {
      counts.get(row.getString(0))[3] = row.getLong(1);
    }
    List<FileAccount> files = new ArrayList<>();
    counts.forEach((file, c) ->
        files.add(new FileAccount(file, c[0], c[3], c[1], c[0] - c[1] - c[2], c[2] - c[3])));
    return files;
  }

  private static Dataset<Row> readBatch(
      SparkSession spark, Warehouse warehouse, List<SourceConfig> sources, String batchId) {
    Dataset<Row> union = null;
    for (SourceConfig source : sources) {
      TableName table = TableName.bronze(source.name());
      if (!warehouse.exists(spark, table)) {
        continue;
      }
      Dataset<Row> rows =
          warehouse.read(spark, table).where(col("batch_id").equalTo(batchId));
      if (!List.of(rows.columns()).contains("malformed_reason")) { // bronze written before the column existed
        rows = rows.withColumn("malformed_reason", lit(null).cast(DataTypes.StringType));
      }
      union = union == null ? rows : union.unionByName(rows);
    }
    return union;
  }

  /** Replaces the batch's quarantine rows: a rerun leaves one copy. */
  private static void writeQuarantine(Warehouse warehouse, String batchId, Dataset<Row> rejected) {
    warehouse.replace(rejected, TableName.QUARANTINE, "batch_id = '" + batchId + "'", "batch_id");
  }

  /** Inserts documents whose doc_id is new; returns how many were inserted. */
  private static long mergeDocuments(SparkSession spark, Warehouse warehouse, Dataset<Row> documents) {
    return warehouse.insertNew(spark, documents, TableName.DOCUMENTS, List.of("doc_id"), "domain");
  }
}
