package io.sentimentpipeline.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.IDFModel;
import org.apache.spark.ml.feature.NGram;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The classical baseline a fine-tuned encoder must beat: TF-IDF over the Spark NLP words and their
 * bigrams ({@code norm_tokens}), then multinomial logistic regression, in Spark MLlib. Trained on
 * the {@code train} split, scored on the others.
 */
public final class TfidfBaseline {

  private TfidfBaseline() {}

  /** The baseline's scores on the held-out splits. */
  public record Result(ClassificationMetrics validation, ClassificationMetrics test) {}

  /**
   * @param split rows with {@code norm_tokens}, {@code label} (one of {@code labels}) and {@code
   *     split} from {@link DataSplit}
   */
  public static Result fitAndEvaluate(Dataset<Row> split, List<String> labels, BaselineConfig config) {
    Dataset<Row> indexed = split.withColumn("label_index", DataSplit.labelIndex(labels).cast("double"));
    Dataset<Row> train = indexed.where(col("split").equalTo(DataSplit.TRAIN));
    PipelineModel terms = terms(config).fit(train);
    IDFModel idf = new IDF().setInputCol("tf").setMinDocFreq(config.minDocFreq()).fit(terms.transform(train));
    // The IDF weights (2^18 at the default) and the classifier's coefficients reach the executors as
    // broadcasts: captured by Spark ML's own transforms, they would travel with every task instead.
    JavaSparkContext context = JavaSparkContext.fromSparkContext(split.sparkSession().sparkContext());
    UserDefinedFunction tfidf = tfidf(context.broadcast(idf.idf()));
    Dataset<Row> trainFeatures =
        terms.transform(train).select(col("label_index"), tfidf.apply(col("tf")).as("features")).localCheckpoint();
    LogisticRegressionModel classifier = classifier(config).fit(trainFeatures);
    UserDefinedFunction predict = predict(context.broadcast(classifier));
    return new Result(
        evaluate(terms, tfidf, predict, indexed.where(col("split").equalTo(DataSplit.VALIDATION)), labels),
        evaluate(terms, tfidf, predict, indexed.where(col("split").equalTo(DataSplit.TEST)), labels));
  }

  /** Confusion counts of the model's predictions on rows that have {@code label_index}. */
  private static ClassificationMetrics evaluate(
      PipelineModel terms, UserDefinedFunction tfidf, UserDefinedFunction predict, Dataset<Row> rows, List<String> labels) {
    long[][] confusion = new long[labels.size()][labels.size()];
    Dataset<Row> predicted =
        terms.transform(rows).select(col("label_index"), predict.apply(tfidf.apply(col("tf"))).as("prediction"));
    for (Row cell : predicted.groupBy("label_index", "prediction").count().collectAsList()) {
      confusion[(int) cell.getDouble(0)][(int) cell.getDouble(1)] = cell.getLong(2);
    }
    return new ClassificationMetrics(labels, confusion);
  }

  /** Term frequencies times the IDF weights, as Spark ML's IDFModel computes them. */
  private static UserDefinedFunction tfidf(Broadcast<Vector> weights) {
    UDF1<Vector, Vector> scale = tf -> {
      double[] idf = weights.value().toArray();
      SparseVector sparse = tf.toSparse();
      double[] values = new double[sparse.indices().length];
      for (int i = 0; i < values.length; i++) {
        values[i] = sparse.values()[i] * idf[sparse.indices()[i]];
      }
      return new SparseVector(sparse.size(), sparse.indices(), values);
    };
    return udf(scale, SQLDataTypes.VectorType()).withName("tfidf");
  }

  private static UserDefinedFunction predict(Broadcast<LogisticRegressionModel> classifier) {
    UDF1<Vector, Double> predict = features -> classifier.value().predict(features);
    return udf(predict, DataTypes.DoubleType).withName("baseline_predict");
  }

  private static Pipeline terms(BaselineConfig config) {
    NGram bigrams = new NGram().setN(2).setInputCol("norm_tokens").setOutputCol("bigrams");
    SQLTransformer terms =
        new SQLTransformer().setStatement("SELECT *, concat(norm_tokens, bigrams) AS terms FROM __THIS__");
    HashingTF tf = new HashingTF().setInputCol("terms").setOutputCol("tf").setNumFeatures(config.numFeatures());
    return new Pipeline().setStages(new PipelineStage[] {bigrams, terms, tf});
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
