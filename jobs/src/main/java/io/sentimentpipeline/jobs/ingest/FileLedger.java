package io.sentimentpipeline.jobs.ingest;

import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bronze.ingest_files}: one row per matched file and ingest run that looked at it, with what
 * became of it ({@code ingested}, {@code empty}, {@code skipped}, {@code failed}), why, and how many
 * rows it gave. It is how every matched file is accounted for, including the ones that gave no row.
 */
final class FileLedger {

  static final TableName TABLE = new TableName("bronze", "ingest_files");

  static final StructType SCHEMA =
      StructType.fromDDL(
          "batch_id STRING, source STRING, path STRING, size BIGINT, modified_at TIMESTAMP, status STRING,"
              + " reason STRING, rows_read BIGINT, malformed_rows BIGINT, recorded_at TIMESTAMP");

  /** What became of one file. */
  enum Status { INGESTED, EMPTY, SKIPPED, FAILED }

  /** One ledger row. */
  record Entry(SourceFile file, Status status, String reason, long rowsRead, long malformedRows) {
    Row toRow(String batchId, String source, Timestamp recordedAt) {
      return RowFactory.create(
          batchId, source, file.path(), file.size(), new Timestamp(file.modifiedMillis()),
          status.name().toLowerCase(java.util.Locale.ROOT), reason, rowsRead, malformedRows, recordedAt);
    }
  }

  private FileLedger() {}

  /**
   * Files the ledger holds for a source, whatever became of them: reading the same bytes again
   * would end the same way. A file rewritten or touched has a new size or time and is read again.
   */
  static Set<SourceFile> done(SparkSession spark, Warehouse warehouse, String source) {
    Set<SourceFile> files = new HashSet<>();
    if (!warehouse.exists(spark, TABLE)) {
      return files;
    }
    for (Row row :
        warehouse.read(spark, TABLE)
            .where(org.apache.spark.sql.functions.col("source").equalTo(source))
            .select("path", "size", "modified_at").distinct().collectAsList()) {
      files.add(new SourceFile(row.getString(0), row.getLong(1), row.getTimestamp(2).getTime()));
    }
    return files;
  }

  static void append(
      SparkSession spark, Warehouse warehouse, String batchId, String source, List<Entry> entries, Timestamp recordedAt) {
    if (entries.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (Entry entry : entries) {
      rows.add(entry.toRow(batchId, source, recordedAt));
    }
    warehouse.append(spark.createDataFrame(rows, SCHEMA).coalesce(1), TABLE);
    warehouse.register(spark, TABLE);
  }
}
