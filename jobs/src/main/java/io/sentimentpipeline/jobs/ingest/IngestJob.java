package io.sentimentpipeline.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.StageLease;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.SourceConfig;
import io.sentimentpipeline.jobs.ingest.FileLedger.Entry;
import io.sentimentpipeline.jobs.ingest.FileLedger.Status;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Ingest: appends each source's new files to {@code bronze.<source>_raw}, parsed with the source's
 * explicit schema, and records every matched file in {@code bronze.ingest_files}. Unparseable
 * records are kept with their raw text and flagged {@code malformed}; a file that cannot be read at
 * all (truncated archive, UTF-16, wrong format) is recorded as {@code failed} with its reason while
 * the other files go on; files already ingested (same path, size and modification time) are
 * skipped, so a rerun appends nothing.
 */
public final class IngestJob {

  private IngestJob() {}

  /** What one source contributed to the batch; {@code problems} names each skipped or failed file. */
  public record SourceResult(
      String source, TableName table, int filesMatched, int newFiles, long rowsRead, long malformedRows,
      int skippedFiles, int failedFiles, List<String> problems) {}

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
                "ingest %s batch %s: %d files match, %d new, %d rows read (%d malformed), %d skipped, %d failed -> %s%n",
                source.source(), batchId, source.filesMatched(), source.newFiles(), source.rowsRead(),
                source.malformedRows(), source.skippedFiles(), source.failedFiles(), source.table()));
        source.problems().forEach(problem -> lines.append("  ").append(problem).append('\n'));
      }
      return lines.toString().strip();
    }
  }

  /** The batch id of a run date: every stage of that night's run works on it. */
  public static String batchId(LocalDate runDate) {
    return runDate.toString();
  }

  public static Result run(SparkSession spark, Warehouse warehouse, List<SourceConfig> sources, LocalDate runDate) {
    try (StageLease lease = StageLease.acquire(warehouse, "ingest")) {
      return runHoldingLease(spark, warehouse, sources, runDate);
    }
  }

  private static Result runHoldingLease(SparkSession spark, Warehouse warehouse, List<SourceConfig> sources, LocalDate runDate) {
    String batchId = batchId(runDate);
    Timestamp ingestedAt = Timestamp.from(Instant.now());
    List<SourceResult> results = new ArrayList<>();
    for (SourceConfig source : sources) {
      results.add(ingestSource(spark, warehouse, source, batchId, ingestedAt));
    }
    Result result = new Result(batchId, results);
    List<String> allFailed =
        results.stream().filter(r -> r.failedFiles() > 0 && r.failedFiles() == r.newFiles())
            .map(r -> "source '" + r.source() + "' could be read: " + r.problems().get(r.problems().size() - 1))
            .toList();
    if (!allFailed.isEmpty()) {
      throw new PipelineException(
          ErrorCategory.BAD_INPUT,
          "No new file of " + String.join("; no new file of ", allFailed) + ". Every file is recorded in "
              + FileLedger.TABLE + " with its reason; the other sources were ingested.");
    }
    return result;
  }

  private static SourceResult ingestSource(
      SparkSession spark, Warehouse warehouse, SourceConfig source, String batchId, Timestamp ingestedAt) {
    TableName table = TableName.bronze(source.name());
    SourceFile.Listing listing = list(spark, source);
    Map<SourceFile, long[]> inBronze = bronzeFiles(spark, warehouse, table);
    Set<SourceFile> done = FileLedger.done(spark, warehouse, source.name());
    List<Entry> entries = new ArrayList<>();
    // A run killed between the bronze commit and the ledger commit left files the ledger lacks.
    inBronze.forEach((file, counts) -> {
      if (!done.contains(file)) {
        entries.add(new Entry(file, Status.INGESTED, null, counts[0], counts[1]));
      }
    });
    listing.skipped().stream()
        .filter(skip -> !done.contains(skip.file()))
        .forEach(skip -> entries.add(new Entry(skip.file(), Status.SKIPPED, skip.reason(), 0, 0)));
    List<SourceFile> candidates =
        listing.files().stream().filter(file -> !done.contains(file) && !inBronze.containsKey(file)).toList();
    List<SourceFile> readable = new ArrayList<>();
    for (SourceFile file : candidates) {
      String encoding = source.format().isTextBased() ? ByteOrderMark.problem(spark, file) : null;
      if (encoding == null) {
        readable.add(file);
      } else {
        entries.add(new Entry(file, Status.FAILED, encoding, 0, 0));
      }
    }
    long rows = 0;
    long malformed = 0;
    if (!readable.isEmpty()) {
      spark.sparkContext().setJobDescription("ingest " + source.name() + ": " + readable.size() + " files");
      List<Entry> read = readAndAppend(spark, warehouse, source, table, readable, batchId, ingestedAt);
      entries.addAll(read);
      rows = read.stream().mapToLong(Entry::rowsRead).sum();
      malformed = read.stream().mapToLong(Entry::malformedRows).sum();
    }
    FileLedger.append(spark, warehouse, batchId, source.name(), entries, ingestedAt);
    List<String> problems = new ArrayList<>();
    int skipped = 0;
    int failed = 0;
    for (Entry entry : entries) {
      if (entry.status() == Status.SKIPPED || entry.status() == Status.FAILED) {
        problems.add(entry.status().name().toLowerCase(Locale.ROOT) + " " + entry.file().path() + ": " + entry.reason());
        skipped += entry.status() == Status.SKIPPED ? 1 : 0;
        failed += entry.status() == Status.FAILED ? 1 : 0;
      }
    }
    return new SourceResult(
        source.name(), table, listing.matched(), candidates.size(), rows, malformed, skipped, failed, problems);
  }

  /**
   * Reads the files in one Spark job and appends their rows; when that fails, reads each file alone
   * so one broken file is recorded as failed and the others still go in.
   */
  private static List<Entry> readAndAppend(
      SparkSession spark, Warehouse warehouse, SourceConfig source, TableName table, List<SourceFile> files,
      String batchId, Timestamp ingestedAt) {
    List<Entry> entries = new ArrayList<>();
    List<SourceFile> good = files;
    Dataset<Row> bronze = bronze(spark, source, files, batchId, ingestedAt);
    Map<String, long[]> counts;
    try {
      counts = countByFile(bronze);
    } catch (Exception together) { // SparkException is checked in Java's eyes
      bronze.unpersist();
      good = new ArrayList<>();
      for (SourceFile file : files) {
        Dataset<Row> alone = bronze(spark, source, List.of(file), batchId, ingestedAt);
        try {
          countByFile(alone);
          good.add(file);
        } catch (Exception e) {
          entries.add(new Entry(file, Status.FAILED, cannotRead(source, e), 0, 0));
        } finally {
          alone.unpersist();
        }
      }
      if (good.isEmpty()) {
        return entries;
      }
      bronze = bronze(spark, source, good, batchId, ingestedAt);
      counts = countByFile(bronze);
    }
    try {
      warehouse.append(bronze, table, "batch_id");
      warehouse.register(spark, table);
    } finally {
      bronze.unpersist();
    }
    for (SourceFile file : good) {
      long[] fileCounts = counts.getOrDefault(file.path(), new long[2]);
      entries.add(
          fileCounts[0] == 0
              ? new Entry(file, Status.EMPTY, "no records (" + file.size() + " bytes: blank lines or a header only)", 0, 0)
              : new Entry(file, Status.INGESTED, null, fileCounts[0], fileCounts[1]));
    }
    return entries;
  }

  private static Dataset<Row> bronze(
      SparkSession spark, SourceConfig source, List<SourceFile> files, String batchId, Timestamp ingestedAt) {
    List<String> paths = files.stream().map(SourceFile::path).toList();
    return BronzeColumns.toBronze(SourceReader.read(spark, source, paths), source, batchId, ingestedAt)
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** Rows and malformed rows per file (decoded path): the step where a file that cannot be read fails. */
  private static Map<String, long[]> countByFile(Dataset<Row> bronze) {
    Map<String, long[]> counts = new HashMap<>();
    for (Row row :
        bronze.groupBy("source_file")
            .agg(count(lit(1)), sum(when(col("malformed"), 1).otherwise(0)).cast(DataTypes.LongType))
            .collectAsList()) {
      counts.put(SourceFile.normalise(row.getString(0)), new long[] {row.getLong(1), row.getLong(2)});
    }
    return counts;
  }

  private static String cannotRead(SourceConfig source, Exception e) {
    return "cannot be read as " + source.format().name().toLowerCase(Locale.ROOT) + " with schema \""
        + source.schemaDdl() + "\": " + rootMessage(e) + " (check the file, or sources." + source.name()
        + ".format, .schema, .options and .charset)";
  }

  private static SourceFile.Listing list(SparkSession spark, SourceConfig source) {
    String key = "sources." + source.name();
    try {
      SourceFile.Listing listing =
          SourceFile.list(source.path(), key, source.followSymlinks(), spark.sparkContext().hadoopConfiguration());
      if (listing.matched() == 0) {
        throw new PipelineException(
            ErrorCategory.BAD_INPUT,
            "Source '" + source.name() + "': no file matches " + source.path()
                + ". For the demo corpus run `./pipeline demo-data`; otherwise fix " + key + ".path.");
      }
      return listing;
    } catch (IOException e) {
      throw new PipelineException(
          ErrorCategory.BAD_INPUT, "Source '" + source.name() + "': cannot list " + source.path() + ": " + e.getMessage(), e);
    }
  }

  /** Files with rows in bronze, with their row and malformed counts. */
  private static Map<SourceFile, long[]> bronzeFiles(SparkSession spark, Warehouse warehouse, TableName table) {
    Map<SourceFile, long[]> files = new HashMap<>();
    if (!warehouse.exists(spark, table)) {
      return files;
    }
    List<Row> rows =
        warehouse.read(spark, table)
            .groupBy("source_file", "source_file_size", "source_file_modified_at")
            .agg(count(lit(1)), sum(when(col("malformed"), 1).otherwise(0)).cast(DataTypes.LongType))
            .collectAsList();
    for (Row row : rows) {
      files.put(
          new SourceFile(SourceFile.normalise(row.getString(0)), row.getLong(1), row.getTimestamp(2).getTime()),
          new long[] {row.getLong(3), row.getLong(4)});
    }
    return files;
  }

  /** The first message below Spark's "Job aborted" wrapper: it names the file and the column. */
  private static String rootMessage(Throwable e) {
    String found = null;
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && !message.startsWith("Job aborted")) {
        found = cause.getClass().getSimpleName() + ": " + message.lines().findFirst().orElse(message);
        break;
      }
    }
    return found == null ? e.toString() : found;
  }
}
