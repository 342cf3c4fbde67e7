package io.sentimentpipeline.jobs.config;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.types.StructType;

/**
 * One raw input: where its files are, how to parse them (explicit schema), and which of its
 * columns hold the pipeline's fields ({@code id}, {@code text}, {@code title}, {@code label},
 * {@code timestamp}; only {@code text} is required), the files' character set, and whether a
 * symbolic link matched by the path is followed (off by default: a link can point anywhere).
 *
 * <p>Entity-level labels: {@code entity} names a column holding the one entity a row's {@code
 * label} is about (rows with the same text become one document with several labelled entities);
 * {@code entities} names an {@code array<struct<entity, sentiment>>} column holding several. The
 * {@code labels} mapping applies to entity sentiments too, and may map numeric ranges ({@link
 * LabelRange}).
 */
public record SourceConfig(
    String name,
    Domain domain,
    SourceFormat format,
    String path,
    String schemaDdl,
    Map<String, String> columns,
    Map<String, String> labels,
    Map<String, String> options,
    Charset charset,
    boolean followSymlinks) {

  public static final Set<String> FIELDS = Set.of("id", "text", "title", "label", "timestamp", "entity", "entities");
  public static final Set<String> LABELS = Set.of("negative", "neutral", "positive");

  public SourceConfig {
    String key = "sources." + name;
    if (name == null || !name.matches("[a-z][a-z0-9_]{0,62}")) {
      throw new ConfigError(
          "sources[].name", "must be lower-case letters, digits and '_' (it names bronze." + name + "_raw)");
    }
    StructType schema = parseSchema(schemaDdl, key + ".schema");
    Set<String> schemaColumns = Set.of(schema.fieldNames());
    for (Map.Entry<String, String> mapping : columns.entrySet()) {
      if (!FIELDS.contains(mapping.getKey())) {
        throw new ConfigError(
            key + ".columns." + mapping.getKey(), "is not a pipeline field; use one of " + new TreeSet<>(FIELDS));
      }
      if (!schemaColumns.contains(mapping.getValue())) {
        throw new ConfigError(
            key + ".columns." + mapping.getKey(),
            "names column '" + mapping.getValue() + "', which the schema does not have " + schemaColumns);
      }
    }
    if (!columns.containsKey("text")) {
      throw new ConfigError(key + ".columns.text", "is required: which column holds the text?");
    }
    checkEntityColumns(key, columns, schema);
    Map<String, String> normalisedLabels = new TreeMap<>();
    java.util.List<LabelRange> ranges = new java.util.ArrayList<>();
    labels.forEach(
        (raw, label) -> {
          if (!LABELS.contains(label)) {
            throw new ConfigError(
                key + ".labels." + raw, "must map to negative, neutral or positive; got '" + label + "'");
          }
          LabelRange.ofEntry(raw, label, key + ".labels.\"" + raw + "\"").ifPresent(ranges::add);
          normalisedLabels.put(LabelRange.looksLikeRange(raw) ? raw.strip() : labelKey(raw), label);
        });
    LabelRange.checkDisjoint(ranges, key + ".labels");
    if (charset == null) {
      charset = StandardCharsets.UTF_8;
    }
    if (charset.name().startsWith("UTF-16") || charset.name().startsWith("UTF-32")) {
      throw new ConfigError(
          key + ".charset",
          "is " + charset.name() + ", which Spark's line reader cannot split; convert the files to UTF-8"
              + " (iconv -f " + charset.name() + " -t UTF-8)");
    }
    columns = Map.copyOf(columns);
    labels = Map.copyOf(normalisedLabels);
    options = Map.copyOf(options);
  }

  /** A source in UTF-8 that does not follow symbolic links. */
  public SourceConfig(
      String name, Domain domain, SourceFormat format, String path, String schemaDdl,
      Map<String, String> columns, Map<String, String> labels, Map<String, String> options) {
    this(name, domain, format, path, schemaDdl, columns, labels, options, StandardCharsets.UTF_8, false);
  }

  /** The exact-value part of {@code labels} (raw value, as {@link #labelKey} makes it, to label). */
  public Map<String, String> exactLabels() {
    Map<String, String> exact = new TreeMap<>(labels);
    exact.keySet().removeIf(LabelRange::looksLikeRange);
    return exact;
  }

  /** The numeric ranges of {@code labels}, e.g. {@code "[-1, -0.05)" = negative}. */
  public java.util.List<LabelRange> labelRanges() {
    return labels.entrySet().stream()
        .filter(e -> LabelRange.looksLikeRange(e.getKey()))
        .map(e -> LabelRange.parse(e.getKey(), e.getValue(), "sources." + name + ".labels"))
        .toList();
  }

  /** Whether rows carry entity-level labels ({@code columns.entity} or {@code columns.entities}). */
  public boolean hasEntityLabels() {
    return columns.containsKey("entity") || columns.containsKey("entities");
  }

  private static void checkEntityColumns(String key, Map<String, String> columns, StructType schema) {
    if (columns.containsKey("entity") && columns.containsKey("entities")) {
      throw new ConfigError(key + ".columns", "maps both entity and entities; use entity for one entity per row, entities for an array");
    }
    if (columns.containsKey("entity") && !columns.containsKey("label")) {
      throw new ConfigError(key + ".columns.entity", "needs columns.label: the column with the sentiment about the row's entity");
    }
    String entities = columns.get("entities");
    if (entities != null) {
      org.apache.spark.sql.types.DataType type = schema.apply(entities).dataType();
      boolean fits = type instanceof org.apache.spark.sql.types.ArrayType array
          && array.elementType() instanceof StructType element
          && Set.of(element.fieldNames()).containsAll(Set.of("entity", "sentiment"));
      if (!fits) {
        throw new ConfigError(key + ".columns.entities",
            "names column '" + entities + "' of type " + type.simpleString()
                + "; it must be ARRAY<STRUCT<entity: STRING, sentiment: STRING>> in the schema");
      }
    }
  }

  /** A label value as the label mapping sees it: Unicode whitespace at either end removed, lower case. */
  public static String labelKey(String raw) {
    return raw.replaceAll(LABEL_PADDING, "").toLowerCase(Locale.ROOT);
  }

  /** Unicode whitespace (tab, NBSP, line breaks...) around a label value: ignored when labels map. */
  public static final String LABEL_PADDING = "^[\\s\\p{Z}]+|[\\s\\p{Z}]+$";

  /** The explicit read schema. */
  public StructType schema() {
    return StructType.fromDDL(schemaDdl);
  }

  /** The source column mapped to a pipeline field, or null when the source has none. */
  public String column(String field) {
    return columns.get(field);
  }

  private static StructType parseSchema(String ddl, String key) {
    try {
      return StructType.fromDDL(ddl);
    } catch (Exception e) { // Spark's ParseException is checked in Java's eyes
      throw new ConfigError(key, "is not a Spark DDL schema such as \"id STRING, body STRING\": " + e.getMessage());
    }
  }
}
