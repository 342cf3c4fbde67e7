package io.sentimentpipeline.jobs.eval;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.config.Target;
import io.sentimentpipeline.jobs.registry.ModelBundle;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.jobs.train.DataSplit;
import io.sentimentpipeline.jobs.train.SplitConfig;
import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Entity-level accuracy and macro-F1 on the held-out (test) part of a domain's labelled (document,
 * entity) pairs, split by headline (the hash of doc_id that train uses, so a headline's entities
 * are all held out together), for three methods: (a) the entity champion reading text and entity,
 * (b) the document champion's score of the whole text given to every entity it names, and (c) the
 * TF-IDF baseline on text + entity words. (a) and (c) are the test scores the entity model's
 * training recorded in its bundle (metrics.json: same split, same pairs); (b) is computed here from
 * gold.sentiment_scores. Writes nothing.
 */
public final class EntityEvaluation {

  private static final List<String> LABEL_ORDER = List.of("negative", "neutral", "positive");

  private EntityEvaluation() {}

  /** One method's figures. */
  public record Method(String name, long pairs, double accuracy, double macroF1) {
    public String line() {
      return String.format("%-44s pairs=%d accuracy=%.2f%% macro_f1=%.2f", name, pairs, 100 * accuracy, 100 * macroF1);
    }
  }

  public record Result(String domain, long testPairs, List<Method> methods) {}

  public static Result run(SparkSession spark, Warehouse warehouse, SplitConfig split, Domain domain) {
    for (TableName table : List.of(TableName.ENTITY_LABELS, TableName.SENTIMENT_SCORES)) {
      if (!warehouse.exists(spark, table)) {
        throw new PipelineException(ErrorCategory.BAD_INPUT,
            table + " does not exist in " + warehouse.root() + ": run ingest, clean, tokenize, train (both targets) and score first.");
      }
    }
    ModelRegistry registry = new ModelRegistry(spark, warehouse);
    ModelRegistry.Champion entity = registry.champion(domain.key(), Target.ENTITY).orElseThrow(() -> missing(domain, "--target entity "));
    ModelRegistry.Champion document = registry.champion(domain.key()).orElseThrow(() -> missing(domain, ""));

    Dataset<Row> test =
        DataSplit.assign(
                warehouse.read(spark, TableName.ENTITY_LABELS).where(col("domain").equalTo(domain.key())), split)
            .where(col("split").equalTo(DataSplit.TEST));
    long testPairs = test.count();
    Dataset<Row> scores =
        warehouse.read(spark, TableName.SENTIMENT_SCORES)
            .where(col("model_name").equalTo(document.modelName()).and(col("model_version").equalTo(document.version())))
            .select(col("doc_id"), col("label").as("predicted"));
    List<Row> pairs = test.join(scores, "doc_id").select("label", "predicted").collectAsList();
    List<String> labels = LABEL_ORDER.stream()
        .filter(l -> pairs.stream().anyMatch(r -> l.equals(r.getString(0)) || l.equals(r.getString(1)))).toList();
    int[] actual = pairs.stream().mapToInt(r -> labels.indexOf(r.getString(0))).toArray();
    int[] predicted = pairs.stream().mapToInt(r -> labels.indexOf(r.getString(1))).toArray();
    ClassificationMetrics byDocument = ClassificationMetrics.of(labels, actual, predicted);

    JsonNode metrics = metrics(ModelBundle.readVerified(entity, spark.sparkContext().hadoopConfiguration()), entity);
    List<Method> methods = new ArrayList<>();
    methods.add(new Method("(a) entity model " + entity.describe(), testPairs,
        metrics.path("test").path("accuracy").asDouble(), metrics.path("test").path("macro_f1").asDouble()));
    methods.add(new Method("(b) document model " + document.describe() + " per entity", pairs.size(),
        byDocument.accuracy(), byDocument.macroF1()));
    methods.add(new Method("(c) TF-IDF on text + entity", testPairs,
        metrics.path("baseline_test").path("accuracy").asDouble(), metrics.path("baseline_test").path("macro_f1").asDouble()));
    return new Result(domain.key(), testPairs, methods);
  }

  private static JsonNode metrics(Map<String, byte[]> bundle, ModelRegistry.Champion champion) {
    byte[] json = bundle.get("metrics.json");
    if (json == null) {
      throw new PipelineException(ErrorCategory.BAD_INPUT, "the bundle of " + champion.describe() + " has no metrics.json");
    }
    try {
      return new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read metrics.json of " + champion.describe(), e);
    }
  }

  private static PipelineException missing(Domain domain, String target) {
    return new PipelineException(ErrorCategory.BAD_INPUT,
        "No " + domain.key() + " " + (target.isEmpty() ? "document" : "entity") + " champion in " + ModelRegistry.MODELS
            + ": run `./pipeline train --domain " + domain.key() + " " + target + "` first.");
  }
}
