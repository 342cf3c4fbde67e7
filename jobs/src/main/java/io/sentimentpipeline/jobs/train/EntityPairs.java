package io.sentimentpipeline.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.xxhash64;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.udfs.nlp.PairEncoder;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The training data of an entity model: each labelled (document, entity) of {@code
 * silver.entity_labels} with the document's text, encoded at train time as a text pair by {@link
 * PairEncoder} ({@code input_ids}, {@code token_type_ids}). The pairs keep the document's doc_id,
 * so the split (a hash of doc_id) keeps all entities of a headline in one split. The TF-IDF
 * baseline sees the text's words plus the entity's words as {@code entity_<word>} features.
 */
final class EntityPairs {

  static final String TOKEN_TYPE_IDS = "token_type_ids";

  private EntityPairs() {}

  static Dataset<Row> labelled(SparkSession spark, Warehouse warehouse, Domain domain, TokenizerSpec tokenizer, long limit) {
    for (TableName table : List.of(TableName.DOCUMENTS, TableName.TOKENS, TableName.ENTITY_LABELS)) {
      if (!warehouse.exists(spark, table)) {
        throw new PipelineException(
            ErrorCategory.BAD_INPUT,
            table + " does not exist in " + warehouse.root() + ": train --target entity needs entity labels (a source with"
                + " columns.entity or columns.entities), cleaned and tokenized first (`./pipeline run`).");
      }
    }
    Dataset<Row> labels =
        warehouse.read(spark, TableName.ENTITY_LABELS).where(col("domain").equalTo(domain.key())).select("doc_id", "entity", "label");
    Dataset<Row> documents =
        warehouse.read(spark, TableName.DOCUMENTS).where(col("domain").equalTo(domain.key())).select("doc_id", "source", "text");
    Dataset<Row> words =
        warehouse.read(spark, TableName.TOKENS).where(col("tokenizer_id").equalTo(tokenizer.tokenizerId())).select("doc_id", "norm_tokens");
    Dataset<Row> joined = labels.join(documents, "doc_id").join(words, "doc_id");
    if (limit > 0) {
      joined = joined.orderBy(xxhash64(col("doc_id")), col("entity")).limit((int) limit);
    }
    Dataset<Row> withEntityWords =
        joined.withColumn("norm_tokens", concat(col("norm_tokens"),
            transform(split(lower(col("entity")), "[^\\p{L}\\p{N}]+"), w -> concat(lit("entity_"), w))));
    return withEntityWords.mapPartitions(new Encode(tokenizer), Encoders.row(schema(withEntityWords.schema())));
  }

  private static StructType schema(StructType in) {
    return in.add("input_ids", DataTypes.createArrayType(DataTypes.IntegerType))
        .add(TOKEN_TYPE_IDS, DataTypes.createArrayType(DataTypes.IntegerType));
  }

  /** Appends the pair's ids and token types to each row (the tokenizer loaded once per executor). */
  private static final class Encode implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final TokenizerSpec tokenizer;

    Encode(TokenizerSpec tokenizer) {
      this.tokenizer = tokenizer;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      PairEncoder encoder = PairEncoder.forSpec(tokenizer);
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row row = rows.next();
          PairEncoder.EncodedPair pair = encoder.encode(row.getAs("text"), row.getAs("entity"));
          List<Object> values = new ArrayList<>(row.size() + 2);
          for (int i = 0; i < row.size(); i++) {
            values.add(row.get(i));
          }
          values.add(ints(pair.inputIds()));
          values.add(ints(pair.tokenTypeIds()));
          return RowFactory.create(values.toArray());
        }
      };
    }

    private static scala.collection.Seq<Integer> ints(long[] values) {
      List<Integer> out = new ArrayList<>(values.length);
      for (long v : values) {
        out.add((int) v);
      }
      return scala.collection.JavaConverters.asScalaBuffer(out).toSeq();
    }
  }
}
