package io.sentimentpipeline.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.PipelineConfig;
import io.sentimentpipeline.jobs.config.SourceConfig;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest: appends each source's new files to {@code bronze.<source>_raw}, parsed with the source's
 * explicit schema. Unparseable lines are kept with their raw text and flagged {@code malformed};
 * files already ingested (same path, size and modification time) are skipped, so a rerun appends
 * nothing.
 */
public final class IngestJob {

  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

  private IngestJob() {}

  /** What one source contributed to the batch. */
  public record SourceResult(
      String source, TableName table, int filesMatched, int newFiles, long rowsRead, long malformedRows) {}

  /** The batch's accounting per source. */
  public record Result(String batchId, List<SourceResult> sources) {
    public long rowsRead() {
      return sources.stream().mapToLong(SourceResult::rowsRead).sum();
    }

    @Override
    public String toString() {
      StringBuilder lines = new StringBuilder();
      for (SourceResult source : sources) {
        lines.append(
            String.format(
                "ingest %s batch %s: %d files match, %d new, %d rows read (%d malformed) -> %s%n",
                source.source(), batchId, source.filesMatched(), source.newFiles(),
                source.rowsRead(), source.malformedRows(), source.table()));
      }
      return lines.toString().strip();
    }
  }

  /** The batch id of a run date: every stage of that night's run works on it. */
  public static String batchId(LocalDate runDate) {
    return runDate.toString();
  }

  public static Result run(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    Warehouse warehouse = new Warehouse(config.warehouse());
    String batchId = batchId(runDate);
    Timestamp ingestedAt = Timestamp.from(Instant.now());
    List<SourceResult> results = new ArrayList<>();
    for (SourceConfig source : config.sources()) {
      results.add(ingestSource(spark, warehouse, source, batchId, ingestedAt));
    }
    return new Result(batchId, results);
  }

  private static SourceResult ingestSource(
      SparkSession spark, Warehouse warehouse, SourceConfig source, String batchId, Timestamp ingestedAt) {
    TableName table = TableName.bronze(source.name());
    List<SourceFile> matched = listFiles(spark, source);
    Set<SourceFile> done = alreadyIngested(spark, warehouse, table);
    List<String> newPaths =
        matched.stream().filter(file -> !done.contains(file)).map(SourceFile::path).toList();
    if (newPaths.isEmpty()) {
      LOG.info("Source '{}': {} files match, all already ingested", source.name(), matched.size());
      return new SourceResult(source.name(), table, matched.size(), 0, 0, 0);
    }
    spark.sparkContext().setJobDescription("ingest " + source.name() + ": " + newPaths.size() + " files");
    Dataset<Row> bronze =
        BronzeColumns.toBronze(read(spark, source, newPaths), source, batchId, ingestedAt)
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row counts = countRows(source, newPaths, bronze);
      bronze.write().format("delta").mode("append").partitionBy("batch_id").save(warehouse.location(table));
      warehouse.register(spark, table);
      long rows = counts.getLong(0);
      long malformed = counts.isNullAt(1) ? 0 : counts.getLong(1);
      LOG.info(
          "Source '{}': {} new files, {} rows ({} malformed) -> {}",
          source.name(), newPaths.size(), rows, malformed, table);
      return new SourceResult(source.name(), table, matched.size(), newPaths.size(), rows, malformed);
    } finally {
      bronze.unpersist();
    }
  }

  /** Reads (and caches) the new files: the step where a file that does not fit the source fails. */
  private static Row countRows(SourceConfig source, List<String> paths, Dataset<Row> bronze) {
    try {
      return bronze
          .agg(count(lit(1)), sum(when(col("malformed"), 1).otherwise(0)).cast(DataTypes.LongType))
          .first();
    } catch (Exception e) { // SparkException is checked in Java's eyes
      throw new PipelineException(
          ErrorCategory.BAD_INPUT,
          "Cannot read source '" + source.name() + "' (" + paths.size() + " files, first " + paths.get(0)
              + ") as " + source.format().name().toLowerCase(Locale.ROOT) + " with schema \""
              + source.schemaDdl() + "\": " + rootMessage(e) + ". Check sources." + source.name()
              + ".format, .schema and .options.",
          e);
    }
  }

  private static List<SourceFile> listFiles(SparkSession spark, SourceConfig source) {
    try {
      List<SourceFile> files = SourceFile.list(source.path(), spark.sparkContext().hadoopConfiguration());
      if (files.isEmpty()) {
        throw new PipelineException(
            ErrorCategory.BAD_INPUT,
            "Source '" + source.name() + "': no file matches " + source.path()
                + ". For the demo corpus run `./pipeline demo-data`; otherwise fix sources."
                + source.name() + ".path.");
      }
      return files;
    } catch (IOException e) {
      throw new PipelineException(
          ErrorCategory.BAD_INPUT, "Source '" + source.name() + "': cannot list " + source.path() + ": " + e.getMessage(), e);
    }
  }

  private static Set<SourceFile> alreadyIngested(SparkSession spark, Warehouse warehouse, TableName table) {
    Set<SourceFile> files = new HashSet<>();
    if (!warehouse.exists(spark, table)) {
      return files;
    }
    List<Row> rows =
        spark.read().format("delta").load(warehouse.location(table))
            .select("source_file", "source_file_size", "source_file_modified_at")
            .distinct()
            .collectAsList();
    for (Row row : rows) {
      files.add(
          new SourceFile(
              SourceFile.normalise(row.getString(0)), row.getLong(1), row.getTimestamp(2).getTime()));
    }
    return files;
  }

  private static Dataset<Row> read(SparkSession spark, SourceConfig source, List<String> paths) {
    DataFrameReader reader = spark.read().format(source.format().sparkFormat()).options(source.options());
    if (source.format().isTextBased()) {
      reader =
          reader
              .schema(source.schema().add(BronzeColumns.CORRUPT_RECORD, DataTypes.StringType))
              .option("mode", "PERMISSIVE")
              .option("columnNameOfCorruptRecord", BronzeColumns.CORRUPT_RECORD);
    } else {
      reader = reader.schema(source.schema());
    }
    return reader.load(paths.toArray(String[]::new));
  }

  /** The first message below Spark's "Job aborted" wrapper: it names the file and the column. */
  private static String rootMessage(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && !message.startsWith("Job aborted")) {
        return message.lines().findFirst().orElse(message);
      }
    }
    return e.toString();
  }
}
