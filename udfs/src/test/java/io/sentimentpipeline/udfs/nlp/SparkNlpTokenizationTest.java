package io.sentimentpipeline.udfs.nlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the real rule-based Spark NLP pipeline on a local Spark session. */
class SparkNlpTokenizationTest {

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("SparkNlpTokenizationTest")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void splitsWordsAndNormalisesThemInParallel() {
    StructType schema = new StructType().add("doc_id", DataTypes.StringType).add("text", DataTypes.StringType);
    Dataset<Row> docs =
        spark.createDataFrame(
            List.of(
                RowFactory.create("a", "Great phone, LOVE it!"),
                RowFactory.create("b", "Shares of $NVX fell 12% on Monday.")),
            schema).repartition(2);

    PipelineModel fitted = SparkNlpTokenization.pipeline("[^\\pL\\pN]").fit(docs);
    List<Row> rows = SparkNlpTokenization.tokenize(fitted, docs).orderBy("doc_id").collectAsList();

    assertThat(rows.get(0).<String>getList(rows.get(0).fieldIndex("tokens")))
        .containsExactly("Great", "phone", ",", "LOVE", "it", "!");
    assertThat(rows.get(0).<String>getList(rows.get(0).fieldIndex("norm_tokens")))
        .containsExactly("great", "phone", "love", "it");
    assertThat(rows.get(1).<String>getList(rows.get(1).fieldIndex("tokens")))
        .contains("$NVX", "12%", "Monday", ".");
    assertThat(rows.get(1).fieldIndex("doc_id")).as("other columns pass through").isZero();
  }
}
