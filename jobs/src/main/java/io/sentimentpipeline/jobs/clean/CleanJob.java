package io.sentimentpipeline.jobs.clean;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.PipelineConfig;
import io.sentimentpipeline.jobs.config.SourceConfig;
import io.sentimentpipeline.jobs.ingest.IngestJob;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clean: turns one batch of bronze rows into {@code silver.documents} (one row per distinct
 * document, deduplicated within the batch and, by a MERGE, against earlier batches) and {@code
 * silver.quarantine} (every rejected row with its reason and raw record; the batch's rows are
 * replaced on rerun). Its accounting must balance: read = kept + quarantined + duplicates.
 */
public final class CleanJob {

  private static final Logger LOG = LoggerFactory.getLogger(CleanJob.class);

  private CleanJob() {}

  /** What one batch became. {@code kept} counts documents new to silver.documents. */
  public record Result(
      String batchId,
      long rowsRead,
      long kept,
      long quarantined,
      long duplicatesInBatch,
      long duplicatesOfEarlier,
      Map<String, Long> quarantinedByReason) {

    public long duplicates() {
      return duplicatesInBatch + duplicatesOfEarlier;
    }

    public boolean balances() {
      return rowsRead == kept + quarantined + duplicates();
    }

    @Override
    public String toString() {
      return String.format(
          "batch %s: read %d = kept %d + quarantined %d + duplicates %d (%d within the batch, %d already in silver.documents); quarantined by reason %s",
          batchId, rowsRead, kept, quarantined, duplicates(), duplicatesInBatch, duplicatesOfEarlier, quarantinedByReason);
    }
  }

  public static Result run(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    Warehouse warehouse = new Warehouse(config.warehouse());
    String batchId = IngestJob.batchId(runDate);
    spark.sparkContext().setJobDescription("clean batch " + batchId);

    Dataset<Row> bronze = readBatch(spark, warehouse, config.sources(), batchId);
    if (bronze == null) {
      LOG.info("Clean: no bronze rows for batch {}", batchId);
      return new Result(batchId, 0, 0, 0, 0, 0, Map.of());
    }
    Dataset<Row> normalised =
        CleanTransforms.normalise(bronze, config.sources(), config.clean(), config.entities().extractor())
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
      Dataset<Row> documents =
          CleanTransforms.documents(CleanTransforms.dedupe(CleanTransforms.accepted(normalised)))
              .persist(StorageLevel.MEMORY_AND_DISK());
      long distinct = documents.count();
      long inserted = mergeDocuments(spark, warehouse, documents);
      documents.unpersist();
      warehouse.register(spark, TableName.DOCUMENTS);
      warehouse.register(spark, TableName.QUARANTINE);

      Result result =
          new Result(batchId, rowsRead, inserted, quarantined, accepted - distinct, distinct - inserted, byReason);
      if (!result.balances()) {
        throw new IllegalStateException("Clean accounting does not balance: " + result);
      }
      LOG.info("Clean {}", result);
      return result;
    } finally {
      normalised.unpersist();
    }
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
          spark.read().format("delta").load(warehouse.location(table)).where(col("batch_id").equalTo(batchId));
      union = union == null ? rows : union.unionByName(rows);
    }
    return union;
  }

  /** Replaces the batch's quarantine rows: a rerun leaves one copy. */
  private static void writeQuarantine(Warehouse warehouse, String batchId, Dataset<Row> rejected) {
    rejected
        .write()
        .format("delta")
        .mode("overwrite")
        .option("replaceWhere", "batch_id = '" + batchId + "'")
        .partitionBy("batch_id")
        .save(warehouse.location(TableName.QUARANTINE));
  }

  /** Inserts documents whose doc_id is new; returns how many were inserted. */
  private static long mergeDocuments(SparkSession spark, Warehouse warehouse, Dataset<Row> documents) {
    String location = warehouse.location(TableName.DOCUMENTS);
    DeltaTable.createIfNotExists(spark)
        .location(location)
        .addColumns(documents.schema())
        .partitionedBy("domain")
        .execute();
    documents.createOrReplaceTempView("clean_new_documents");
    Row metrics =
        spark
            .sql(
                "MERGE INTO delta.`" + location + "` AS target USING clean_new_documents AS source"
                    + " ON target.doc_id = source.doc_id WHEN NOT MATCHED THEN INSERT *")
            .select("num_inserted_rows")
            .first();
    return metrics.getLong(0);
  }
}
