package io.sentimentpipeline.jobs.alerts;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Target;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import java.util.OptionalInt;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Alerts aggregate what each entity's own score says: a (document, entity) row takes its label,
 * score and confidence from {@code gold.entity_sentiment_scores} (the domain's entity champion)
 * when that table scored the pair, and keeps the document's score otherwise. So a headline that is
 * good news for one company and bad for another counts as such for each.
 */
public final class EntityScoreOverlay {

  private EntityScoreOverlay() {}

  /** The entity champion's scores of the domain (doc_id, entity, label, score, confidence), or null. */
  public static Dataset<Row> entityScores(SparkSession spark, Warehouse warehouse, String domain) {
    if (!warehouse.exists(spark, TableName.ENTITY_SCORES)) {
      return null;
    }
    OptionalInt version = new ModelRegistry(spark, warehouse).championVersion(domain, Target.ENTITY);
    if (version.isEmpty()) {
      return null;
    }
    return warehouse.read(spark, TableName.ENTITY_SCORES)
        .where(col("domain").equalTo(domain).and(col("model_version").equalTo(version.getAsInt())))
        .select(col("doc_id").as("e_doc_id"), col("entity").as("e_entity"), col("label").as("e_label"),
            col("score").as("e_score"), col("confidence").as("e_confidence"));
  }

  /** {@code entityDocuments} (one row per document and entity) with the entity's own score where there is one. */
  public static Dataset<Row> apply(Dataset<Row> entityDocuments, Dataset<Row> entityScores) {
    if (entityScores == null) {
      return entityDocuments;
    }
    return entityDocuments
        .join(entityScores, col("doc_id").equalTo(col("e_doc_id")).and(col("entity").equalTo(col("e_entity"))), "left")
        .withColumn("label", coalesce(col("e_label"), col("label")))
        .withColumn("score", coalesce(col("e_score"), col("score")))
        .withColumn("confidence", coalesce(col("e_confidence"), col("confidence")))
        .drop("e_doc_id", "e_entity", "e_label", "e_score", "e_confidence");
  }
}
