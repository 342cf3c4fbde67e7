package io.sentimentpipeline.jobs.clean;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.sentimentpipeline.jobs.config.SourceConfig;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Entity-level labels in clean: which entity each labelled sentiment is about. A source maps them
 * with {@code columns.entity} (one entity per row, the row's {@code label} being about it) or
 * {@code columns.entities} (an {@code array<struct<entity, sentiment>>} column). They are read from
 * the bronze row's {@code raw_record} (the parsed columns as JSON), so bronze keeps its layout.
 * Sentiments go through the source's {@code labels} mapping like document labels.
 *
 * <p>Rules: a (document, entity) pair keeps its label only when all rows saying something about it
 * agree; a document gets a document-level label from its entities only when they all agree
 * (an explicit document label wins).
 */
public final class EntityLabels {

  /** The entity labels of a row, before they are checked: entity, label (mapped) and label_raw. */
  static final ArrayType TYPE =
      DataTypes.createArrayType(
          new StructType().add("entity", DataTypes.StringType).add("label", DataTypes.StringType).add("label_raw", DataTypes.StringType));

  private static final ArrayType RAW =
      DataTypes.createArrayType(new StructType().add("entity", DataTypes.StringType).add("sentiment", DataTypes.StringType));

  private EntityLabels() {}

  /** True for rows of sources with one entity per row ({@code columns.entity}). */
  static Column isEntityPerRow(List<SourceConfig> sources) {
    String[] names = sources.stream().filter(s -> s.column("entity") != null).map(SourceConfig::name).toArray(String[]::new);
    return names.length == 0 ? lit(false) : col("source").isin((Object[]) names);
  }

  /** {@link #TYPE} for every row: empty for sources without entity labels; blank entities dropped. */
  static Column raw(List<SourceConfig> sources) {
    Column pairs = lit(null).cast(RAW);
    for (SourceConfig source : sources) {
      Column own;
      if (source.column("entity") != null) {
        Column entity = field(source.column("entity"), DataTypes.StringType);
        own = array(struct(entity.as("entity"), col("label_raw").as("sentiment")));
      } else if (source.column("entities") != null) {
        own = field(source.column("entities"), RAW);
      } else {
        continue;
      }
      pairs = when(col("source").equalTo(source.name()), own).otherwise(pairs);
    }
    Column mapped =
        transform(coalesce(pairs, lit(null).cast(RAW)), x -> struct(
            trim(x.getField("entity")).as("entity"),
            CleanTransforms.normaliseLabel(sources, CleanTransforms.labelText(x.getField("sentiment"))).as("label"),
            x.getField("sentiment").as("label_raw")));
    Column kept = filter(mapped, x -> x.getField("entity").isNotNull().and(x.getField("entity").notEqual("")));
    return coalesce(kept, array().cast(TYPE));
  }

  /** A source column of the parsed record, read back from raw_record. */
  private static Column field(String column, org.apache.spark.sql.types.DataType type) {
    return from_json(col("raw_record"), new StructType().add(column, type), java.util.Map.of()).getField(column);
  }

  /** A row has an entity sentiment that is present but maps to no label. */
  static Column hasUnknown() {
    return exists(col("entity_labels"), x -> unknown(x));
  }

  /** The first such sentiment, for the quarantine detail. */
  static Column firstUnknown() {
    return element_at(filter(col("entity_labels"), x -> unknown(x)), 1).getField("label_raw");
  }

  private static Column unknown(Column x) {
    Column raw = CleanTransforms.labelText(x.getField("label_raw"));
    return x.getField("label").isNull().and(raw.isNotNull()).and(raw.notEqual(""));
  }

  /**
   * Accepted rows with {@code label} = their document label, or, when none, the one label all the
   * document's entity labels (over every row of the same doc_id in the batch) agree on.
   */
  public static Dataset<Row> withAgreedLabel(Dataset<Row> accepted) {
    Column labels = flatten(collect_list(col("entity_labels").getField("label")).over(Window.partitionBy("doc_id")));
    Column distinct = array_distinct(filter(labels, Column::isNotNull));
    return accepted
        .withColumn("_agreed", when(size(distinct).equalTo(1), element_at(distinct, 1)))
        .withColumn("label", coalesce(col("label"), col("_agreed")))
        .drop("_agreed");
  }

  /**
   * The silver.entity_labels layout: one row per (doc_id, entity) whose labels in the batch all
   * agree; entity sentiments without a label (none given) are left out.
   */
  public static Dataset<Row> rows(Dataset<Row> accepted) {
    return accepted
        .select(col("doc_id"), col("domain"), col("source"), col("batch_id"), col("ingested_at"), explode(col("entity_labels")).as("e"))
        .where(col("e.label").isNotNull())
        .groupBy(col("doc_id"), col("e.entity").as("entity"))
        .agg(collect_set(col("e.label")).as("_labels"), min("domain").as("domain"), min("source").as("source"),
            min("batch_id").as("batch_id"), min("ingested_at").as("ingested_at"))
        .where(size(col("_labels")).equalTo(1))
        .select(col("doc_id"), col("entity"), element_at(col("_labels"), 1).as("label"), col("domain"), col("source"),
            col("batch_id"), col("ingested_at"));
  }
}
