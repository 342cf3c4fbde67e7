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

  public static final Set<String> FIELDS = Set.of("id", "text", "title", "label", "timestamp");
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
    Map<String, String> normalisedLabels = new TreeMap<>();
    labels.forEach(
        (raw, label) -> {
          if (!LABELS.contains(label)) {
            throw new ConfigError(
                key + ".labels." + raw, "must map to negative, neutral or positive; got '" + label + "'");
          }
          normalisedLabels.put(labelKey(raw), label);
        });
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
