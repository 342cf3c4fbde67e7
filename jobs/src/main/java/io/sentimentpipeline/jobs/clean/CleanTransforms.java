package io.sentimentpipeline.jobs.clean;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.instr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.config.SourceConfig;
import io.sentimentpipeline.udfs.text.EntityExtractor;
import io.sentimentpipeline.udfs.text.TextFunctions;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * The clean stage's pure transformations, from bronze rows to candidate documents: text
 * normalised, timestamp to UTC, label normalised, {@code doc_id} hashed, tickers extracted, and a
 * quarantine {@code reason} for every row that cannot become a document. No reads or writes.
 */
public final class CleanTransforms {

  /** U+FFFD: what a decoder puts where the bytes were not valid in the source's charset. */
  private static final String REPLACEMENT = "\uFFFD";

  /** Reason codes, in the order they are checked; the first that applies wins. */
  public static final String MALFORMED = "malformed_record";
  public static final String MISSING_TEXT = "missing_text";
  public static final String TEXT_TOO_SHORT = "text_too_short";
  public static final String TEXT_TOO_LONG = "text_too_long";
  public static final String INVALID_ENCODING = "invalid_encoding";
  public static final String BAD_TIMESTAMP = "unparseable_timestamp";
  public static final String IMPLAUSIBLE_TIMESTAMP = "implausible_timestamp";
  public static final String MISSING_TIMESTAMP = "missing_timestamp";
  public static final String UNKNOWN_LABEL = "unknown_label";

  private CleanTransforms() {}

  /**
   * Adds {@code doc_id, text_clean, title_clean, event_ts, event_date, label, entities, reason,
   * detail} to bronze rows of any source; event times after {@code runDate} plus {@code
   * clean.event-time-max-ahead} are implausible.
   */
  public static Dataset<Row> normalise(
      Dataset<Row> bronze, List<SourceConfig> sources, CleanConfig config, EntityExtractor entities, LocalDate runDate) {
    Column textClean = TextFunctions.cleanText().apply(col("text"));
    Column titleClean = TextFunctions.cleanText().apply(col("title"));
    Dataset<Row> cleaned =
        bronze
            .withColumn("text_clean", textClean)
            .withColumn("title_clean", when(length(titleClean).gt(0), titleClean))
            .withColumn("event_ts", parseTimestamp(col("timestamp_raw"), config.timestampFormats()))
            .withColumn("entity_labels", EntityLabels.raw(sources))
            .withColumn("label", when(EntityLabels.isEntityPerRow(sources), lit(null).cast(DataTypes.StringType))
                .otherwise(normaliseLabel(sources, labelText())));
    Column isNews = col("domain").equalTo(Domain.NEWS.key());
    return cleaned
        .withColumn("event_date", to_date(col("event_ts")))
        .withColumn("doc_id", sha2(concat_ws("\u001F", col("domain"), col("text_clean")), 256))
        .withColumn(
            "entities",
            when(isNews, TextFunctions.extractEntities(entities)
                    .apply(concat_ws(" ", col("title_clean"), col("text_clean"))))
                .otherwise(array().cast(DataTypes.createArrayType(DataTypes.StringType))))
        .withColumn("reason", reason(config, runDate))
        .withColumn("detail", detail(config, sources, runDate));
  }

  /** Rows that cannot become documents. */
  public static Dataset<Row> rejected(Dataset<Row> normalised) {
    return normalised.where(col("reason").isNotNull());
  }

  /** Rows that can; may still repeat a doc_id. */
  public static Dataset<Row> accepted(Dataset<Row> normalised) {
    return normalised.where(col("reason").isNull());
  }

  /**
   * One row per doc_id: the earliest by event time, then by file and record id, so the choice is
   * deterministic across reruns.
   */
  public static Dataset<Row> dedupe(Dataset<Row> accepted) {
    return accepted
        .withColumn(
            "_rank",
            row_number()
                .over(
                    Window.partitionBy("doc_id")
                        .orderBy(
                            col("event_ts").asc_nulls_last(),
                            col("source_file").asc(),
                            col("record_id").asc_nulls_last(),
                            col("raw_record").asc())))
        .where(col("_rank").equalTo(1))
        .drop("_rank");
  }

  /** The silver.documents layout. */
  public static Dataset<Row> documents(Dataset<Row> deduped) {
    return deduped.select(
        col("doc_id"),
        col("domain"),
        col("source"),
        col("record_id"),
        col("title_clean").as("title"),
        col("text_clean").as("text"),
        col("label"),
        col("event_ts"),
        col("event_date"),
        col("entities"),
        length(col("text_clean")).as("n_chars"),
        col("batch_id"),
        col("source_file"),
        col("ingested_at"));
  }

  /** The silver.quarantine layout. */
  public static Dataset<Row> quarantine(Dataset<Row> rejected) {
    return rejected.select(
        col("batch_id"),
        col("source"),
        col("domain"),
        col("source_file"),
        col("record_id"),
        col("reason"),
        col("detail"),
        col("raw_record"),
        col("ingested_at"));
  }

  static Column parseTimestamp(Column raw, List<String> formats) {
    Column[] attempts =
        formats.stream().map(format -> to_timestamp(trim(raw), format)).toArray(Column[]::new);
    return coalesce(attempts);
  }

  /**
   * The label of a raw value (already stripped of padding) by the row's source's mapping: an exact
   * value first, then a numeric range, then the canonical names themselves.
   */
  static Column normaliseLabel(List<SourceConfig> sources, Column raw) {
    Column key = lower(raw);
    Column canonical = when(key.isin("negative", "neutral", "positive"), key);
    Column mapped = lit(null).cast(DataTypes.StringType);
    for (SourceConfig source : sources) {
      if (!source.labels().isEmpty()) {
        Column own = source.exactLabels().isEmpty() ? lit(null).cast(DataTypes.StringType) : element_at(labelMap(source), key);
        mapped = when(col("source").equalTo(source.name()), coalesce(own, rangeLabel(source, raw))).otherwise(mapped);
      }
    }
    return coalesce(mapped, canonical);
  }

  /** The label of the source's numeric range holding the value (null when none or not a number). */
  private static Column rangeLabel(SourceConfig source, Column raw) {
    Column value = raw.cast(DataTypes.DoubleType);
    Column label = lit(null).cast(DataTypes.StringType);
    for (io.sentimentpipeline.jobs.config.LabelRange range : source.labelRanges()) {
      Column above = range.lowerInclusive() ? value.geq(range.lower()) : value.gt(range.lower());
      Column below = range.upperInclusive() ? value.leq(range.upper()) : value.lt(range.upper());
      label = when(above.and(below), lit(range.label())).otherwise(label);
    }
    return label;
  }

  private static Column labelMap(SourceConfig source) {
    Column[] keysAndValues =
        source.exactLabels().entrySet().stream()
            .sorted(java.util.Map.Entry.comparingByKey())
            .flatMap(entry -> java.util.stream.Stream.of(lit(entry.getKey()), lit(entry.getValue())))
            .toArray(Column[]::new);
    return org.apache.spark.sql.functions.map(keysAndValues);
  }

  /** The raw label without Unicode whitespace around it (Spark's trim removes only spaces). */
  private static Column labelText() {
    return labelText(col("label_raw"));
  }

  static Column labelText(Column raw) {
    return regexp_replace(raw, SourceConfig.LABEL_PADDING, "");
  }

  /** The earliest and latest plausible event times for a run date, as instants (UTC). */
  static Instant[] eventTimeWindow(CleanConfig config, LocalDate runDate) {
    Instant earliest = config.eventTimeMin().atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant latest = runDate.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(config.eventTimeMaxAhead());
    return new Instant[] {earliest, latest};
  }

  private static Column reason(CleanConfig config, LocalDate runDate) {
    Column chars = length(col("text_clean"));
    Column needsTimestamp =
        col("domain").isin(config.requireTimestamp().stream().map(Domain::key).toArray());
    Instant[] window = eventTimeWindow(config, runDate);
    Column implausible =
        col("event_ts").lt(lit(Timestamp.from(window[0]))).or(col("event_ts").geq(lit(Timestamp.from(window[1]))));
    return when(col("raw_record").contains(REPLACEMENT), lit(INVALID_ENCODING))
        .when(col("malformed"), lit(MALFORMED))
        .when(col("text_clean").isNull().or(chars.equalTo(0)), lit(MISSING_TEXT))
        .when(chars.lt(config.minChars()), lit(TEXT_TOO_SHORT))
        .when(chars.gt(config.maxChars()), lit(TEXT_TOO_LONG))
        .when(col("timestamp_raw").isNotNull().and(trim(col("timestamp_raw")).notEqual("")).and(col("event_ts").isNull()), lit(BAD_TIMESTAMP))
        .when(implausible, lit(IMPLAUSIBLE_TIMESTAMP))
        .when(needsTimestamp.and(col("event_ts").isNull()), lit(MISSING_TIMESTAMP))
        .when(col("label_raw").isNotNull().and(labelText().notEqual("")).and(col("label").isNull())
            .and(org.apache.spark.sql.functions.not(EntityLabels.isEntityPerRow(config.sources()))), lit(UNKNOWN_LABEL))
        .when(EntityLabels.hasUnknown(), lit(UNKNOWN_LABEL));
  }

  /**
   * "column 'body' at byte 4": the first of the source's mapped columns holding U+FFFD, and the
   * byte offset of the undecodable bytes in it. The characters before them decoded cleanly, so
   * encoding them again in the source's charset gives back exactly the file's bytes.
   */
  private static Column undecodableField(SourceConfig source, Column otherwise) {
    Column where = otherwise;
    String[][] fields = {
      {"timestamp", "timestamp_raw"}, {"label", "label_raw"}, {"id", "record_id"}, {"title", "title"}, {"text", "text"}
    };
    for (String[] field : fields) {
      String column = source.column(field[0]);
      if (column != null) {
        Column value = col(field[1]);
        Column before = value.substr(lit(1), instr(value, REPLACEMENT).minus(1));
        where = when(value.contains(REPLACEMENT),
                concat(lit("column '" + column + "' at byte "),
                    octet_length(encode(before, source.charset().name())).cast(DataTypes.StringType)))
            .otherwise(where);
      }
    }
    return where;
  }

  private static Column detail(CleanConfig config, List<SourceConfig> sources, LocalDate runDate) {
    Column chars = length(col("text_clean")).cast(DataTypes.StringType);
    Column reason = col("reason");
    Instant[] window = eventTimeWindow(config, runDate);
    Column charset = lit("UTF-8");
    Column where = concat(lit("character "), instr(col("raw_record"), REPLACEMENT).minus(1).cast(DataTypes.StringType),
        lit(" of the raw record"));
    for (SourceConfig source : sources) {
      Column isSource = col("source").equalTo(source.name());
      charset = when(isSource, lit(source.charset().name())).otherwise(charset);
      where = when(isSource, undecodableField(source, where)).otherwise(where);
    }
    return when(reason.equalTo(INVALID_ENCODING),
            concat(lit("bytes that are not valid "), charset, lit(" at "), where,
                lit(" (decoded as U+FFFD); set sources."), col("source"),
                lit(".charset to the file's encoding (e.g. ISO-8859-1) or fix the bytes")))
        .when(reason.equalTo(MALFORMED),
            coalesce(col("malformed_reason"),
                lit("line does not parse with the source's format and schema (wrong column count, bad quoting or a value of the wrong type)")))
        .when(reason.equalTo(MISSING_TEXT), lit("text is missing or empty after cleaning"))
        .when(reason.equalTo(TEXT_TOO_SHORT), concat(lit("cleaned text has "), chars, lit(" characters, fewer than clean.min-chars = " + config.minChars())))
        .when(reason.equalTo(TEXT_TOO_LONG), concat(lit("cleaned text has "), chars, lit(" characters, more than clean.max-chars = " + config.maxChars())))
        .when(reason.equalTo(BAD_TIMESTAMP), concat(lit("timestamp '"), col("timestamp_raw"), lit("' matches none of clean.timestamp-formats")))
        .when(reason.equalTo(IMPLAUSIBLE_TIMESTAMP),
            concat(lit("timestamp '"), col("timestamp_raw"), lit("' is outside " + window[0] + " .. " + window[1]
                + " (clean.event-time-min .. run date + clean.event-time-max-ahead)")))
        .when(reason.equalTo(MISSING_TIMESTAMP), concat(lit("a "), col("domain"), lit(" document needs a timestamp (clean.require-timestamp)")))
        .when(reason.equalTo(UNKNOWN_LABEL).and(EntityLabels.hasUnknown()),
            concat(lit("entity sentiment '"), EntityLabels.firstUnknown(), lit("' is not in sources."), col("source"), lit(".labels")))
        .when(reason.equalTo(UNKNOWN_LABEL), concat(lit("label '"), col("label_raw"), lit("' is not in sources."), col("source"), lit(".labels")));
  }
}
