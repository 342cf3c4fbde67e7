package io.sentimentpipeline.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.decode;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.sentimentpipeline.jobs.config.SourceConfig;
import io.sentimentpipeline.udfs.text.TextFunctions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Reads a source's files with its explicit schema into the columns {@link BronzeColumns} maps: the
 * source's columns, {@code _corrupt_record} (the raw text of a record that does not parse), {@code
 * _problem} (why a record that parsed still cannot be trusted) and the file's metadata. Paths are
 * read literally: glob characters in names are escaped, so {@code [1]}, {@code *} or {@code ?} in a
 * name are just characters. (Spark's {@code __globPaths__=false} is no substitute: reading several
 * such paths together with it returned some files' rows more than once.)
 */
final class SourceReader {

  static final String CORRUPT_RECORD = "_corrupt_record";
  static final String PROBLEM = "_problem";

  private SourceReader() {}

  static Dataset<Row> read(SparkSession spark, SourceConfig source, List<String> paths) {
    String[] files = paths.stream().map(SourceReader::literalGlob).toArray(String[]::new);
    return switch (source.format()) {
      case CSV -> csv(spark, source, files);
      case JSONL -> jsonLines(spark, source, files);
      case PARQUET -> withMetadata(spark.read().schema(source.schema()).parquet(files), null);
    };
  }

  /** A Hadoop glob that matches exactly {@code path}. */
  static String literalGlob(String path) {
    return path.replaceAll("([\\\\\\[\\]{}*?])", "\\\\$1");
  }

  private static Dataset<Row> csv(SparkSession spark, SourceConfig source, String[] files) {
    Map<String, String> options = new HashMap<>(source.options());
    if (!options.containsKey("encoding") && !options.containsKey("charset")) {
      options.put("encoding", source.charset().name());
    }
    DataFrameReader reader =
        spark.read().options(options)
            
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT_RECORD)
            .schema(source.schema().add(CORRUPT_RECORD, DataTypes.StringType));
    Dataset<Row> parsed = reader.csv(files);
    Column problem = lit(null).cast(DataTypes.StringType);
    if (Boolean.parseBoolean(options.getOrDefault("multiLine", "false"))) {
      problem = swallowedRecords(source, options);
    }
    return withMetadata(parsed, problem);
  }

  /**
   * In multi-line mode an unbalanced quote makes one field run to the end of the file. A text field
   * with a later line that holds as many delimiters as a whole record is most likely that: flag it
   * (its raw text, with every swallowed line, goes to quarantine) instead of keeping it as a document.
   */
  private static Column swallowedRecords(SourceConfig source, Map<String, String> options) {
    int delimiters = source.schema().fieldNames().length - 1;
    String delimiter = options.getOrDefault("sep", options.getOrDefault("delimiter", ","));
    Column problem = lit(null).cast(DataTypes.StringType);
    if (delimiters < 1) {
      return problem;
    }
    String looksLikeRecords = "\\n([^\\n]*" + Pattern.quote(delimiter) + "){" + delimiters + "}";
    for (String field : List.of("text", "title")) {
      String column = source.column(field);
      if (column != null) {
        problem =
            when(col("`" + column + "`").rlike(looksLikeRecords),
                    lit("field '" + column + "' runs over lines that look like whole records: an unbalanced"
                        + " quote swallowed the records after it"))
                .otherwise(problem);
      }
    }
    return problem;
  }

  /**
   * JSON lines are read as text and parsed with {@code from_json}, so each row keeps its exact line
   * and {@link io.sentimentpipeline.udfs.text.JsonLineCheck} can see what Spark's reader would drop.
   */
  private static Dataset<Row> jsonLines(SparkSession spark, SourceConfig source, String[] files) {
    Map<String, String> options = new HashMap<>(source.options());
    options.put("mode", "PERMISSIVE");
    options.put("columnNameOfCorruptRecord", CORRUPT_RECORD);
    Set<String> stringFields = new LinkedHashSet<>();
    Stream.of("text", "title").map(source::column).filter(column -> column != null).forEach(stringFields::add);
    Column decoded = decode(col("value").cast(DataTypes.BinaryType), source.charset().name());
    Dataset<Row> lines =
        spark.read().text(files)
            .select(regexp_replace(decoded, "^\uFEFF", "").as("_line"), col("_metadata"))
            .where(trim(col("_line")).notEqual(""));
    Column parsed = from_json(col("_line"), source.schema().add(CORRUPT_RECORD, DataTypes.StringType), options);
    Column problem = TextFunctions.jsonLineProblem(stringFields).apply(col("_line"));
    Column misfit = col("_parsed." + CORRUPT_RECORD).isNotNull();
    List<Column> columns = new ArrayList<>();
    for (String name : source.schema().fieldNames()) {
      columns.add(col("_parsed.`" + name + "`").as(name));
    }
    // A JSON line is its own raw record: keep it whole when anything is wrong with it.
    columns.add(when(misfit.or(col(PROBLEM).isNotNull()), col("_line")).as(CORRUPT_RECORD));
    columns.add(when(col(PROBLEM).isNotNull(), col(PROBLEM))
        .when(misfit, lit("a value does not fit the schema (wrong type)")).as(PROBLEM));
    columns.add(col("_metadata"));
    Dataset<Row> rows =
        lines.withColumn("_parsed", parsed).withColumn(PROBLEM, problem).select(columns.toArray(Column[]::new));
    return withMetadata(rows, null);
  }

  /** Adds the file's metadata and, unless the reader set them, empty corrupt-record and problem columns. */
  private static Dataset<Row> withMetadata(Dataset<Row> parsed, Column problem) {
    Dataset<Row> withProblem = parsed;
    if (problem != null || !List.of(parsed.columns()).contains(PROBLEM)) {
      withProblem = parsed.withColumn(PROBLEM, problem == null ? lit(null).cast(DataTypes.StringType) : problem);
    }
    if (!List.of(parsed.columns()).contains(CORRUPT_RECORD)) {
      withProblem = withProblem.withColumn(CORRUPT_RECORD, lit(null).cast(DataTypes.StringType));
    }
    return withProblem
        .withColumn("_source_file", col("_metadata.file_path"))
        .withColumn("_source_file_size", col("_metadata.file_size"))
        .withColumn("_source_file_modified_at", col("_metadata.file_modification_time"));
  }
}
