package io.sentimentpipeline.jobs.train;

import static org.apache.spark.sql.functions.col;

import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.NGram;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The classical baseline a fine-tuned encoder must beat: TF-IDF over the Spark NLP words and their
 * bigrams ({@code norm_tokens}), then multinomial logistic regression, in Spark MLlib. Trained on
 * the {@code train} split, scored on the others.
 */
public final class TfidfBaseline {

  private TfidfBaseline() {}

  /** The fitted features and classifier, and their scores on the held-out splits. */
  public record Result(
      PipelineModel features, LogisticRegressionModel classifier, ClassificationMetrics validation, ClassificationMetrics test) {}

  /**
   * @param split rows with {@code norm_tokens}, {@code label} (one of {@code labels}) and {@code
   *     split} from {@link DataSplit}
   */
  public static Result fitAndEvaluate(Dataset<Row> split, List<String> labels, BaselineConfig config) {
    Dataset<Row> indexed = split.withColumn("label_index", DataSplit.labelIndex(labels).cast("double"));
    Dataset<Row> train = indexed.where(col("split").equalTo(DataSplit.TRAIN));
    PipelineModel features = features(config).fit(train);
    // The classifier's iterations read the features from a local checkpoint: without one, every
    // iteration's tasks would carry the IDF model (4 MiB at 2^18 features) in their lineage.
    Dataset<Row> trainFeatures = features.transform(train).select("label_index", "features").localCheckpoint();
    LogisticRegressionModel classifier = classifier(config).fit(trainFeatures);
    return new Result(
        features,
        classifier,
        evaluate(features, classifier, indexed.where(col("split").equalTo(DataSplit.VALIDATION)), labels),
        evaluate(features, classifier, indexed.where(col("split").equalTo(DataSplit.TEST)), labels));
  }

  /** Confusion counts of the model's predictions on rows that have {@code label_index}. */
  static ClassificationMetrics evaluate(
      PipelineModel features, LogisticRegressionModel classifier, Dataset<Row> rows, List<String> labels) {
    long[][] confusion = new long[labels.size()][labels.size()];
    Dataset<Row> predicted = classifier.transform(features.transform(rows));
    for (Row cell : predicted.groupBy("label_index", "prediction").count().collectAsList()) {
      confusion[(int) cell.getDouble(0)][(int) cell.getDouble(1)] = cell.getLong(2);
    }
    return new ClassificationMetrics(labels, confusion);
  }

  private static Pipeline features(BaselineConfig config) {
    NGram bigrams = new NGram().setN(2).setInputCol("norm_tokens").setOutputCol("bigrams");
    SQLTransformer terms =
        new SQLTransformer().setStatement("SELECT *, concat(norm_tokens, bigrams) AS terms FROM __THIS__");
    HashingTF tf = new HashingTF().setInputCol("terms").setOutputCol("tf").setNumFeatures(config.numFeatures());
    IDF idf = new IDF().setInputCol("tf").setOutputCol("features").setMinDocFreq(config.minDocFreq());
    return new Pipeline().setStages(new PipelineStage[] {bigrams, terms, tf, idf});
  }

  private static LogisticRegression classifier(BaselineConfig config) {
    return new LogisticRegression()
        .setFamily("multinomial")
        .setLabelCol("label_index")
        .setFeaturesCol("features")
        .setRegParam(config.regParam())
        .setMaxIter(config.maxIter());
  }
}
