package io.sentimentpipeline.jobs.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.sentimentpipeline.jobs.config.SourceConfig;
import java.sql.Timestamp;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The pure mapping from a source's parsed rows to the bronze layout every source shares: the
 * pipeline's fields as strings, whether the record is malformed and why (when the reader knows more
 * than "does not parse"), the raw record (the unparsed line, or the parsed columns as JSON), and
 * ingest metadata. Its input is what {@link SourceReader} reads.
 */
public final class BronzeColumns {

  private BronzeColumns() {}

  public static Dataset<Row> toBronze(
      Dataset<Row> parsed, SourceConfig source, String batchId, Timestamp ingestedAt) {
    Column[] sourceColumns =
        Arrays.stream(source.schema().fieldNames()).map(name -> col("`" + name + "`")).toArray(Column[]::new);
    Column corrupt = col(SourceReader.CORRUPT_RECORD);
    Column problem = col(SourceReader.PROBLEM);
    return parsed.select(
        lit(batchId).as("batch_id"),
        lit(source.name()).as("source"),
        lit(source.domain().key()).as("domain"),
        field(source, "id").as("record_id"),
        field(source, "title").as("title"),
        field(source, "text").as("text"),
        field(source, "label").as("label_raw"),
        field(source, "timestamp").as("timestamp_raw"),
        corrupt.isNotNull().or(problem.isNotNull()).as("malformed"),
        problem.as("malformed_reason"),
        coalesce(corrupt, to_json(struct(sourceColumns))).as("raw_record"),
        col("_source_file").as("source_file"),
        col("_source_file_size").as("source_file_size"),
        col("_source_file_modified_at").as("source_file_modified_at"),
        lit(ingestedAt).as("ingested_at"));
  }

  private static Column field(SourceConfig source, String field) {
    String column = source.column(field);
    return column == null
        ? lit(null).cast(DataTypes.StringType)
        : col("`" + column + "`").cast(DataTypes.StringType);
  }
}
