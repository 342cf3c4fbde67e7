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

  @Test
  void wordsInsideATaskAreWhatTheDataFrameStagesGive() {
    List<String> texts =
        List.of(
            "Great phone, LOVE it!",
            "Shares of $NVX fell 12% on Monday; CEO's e-mail (see https://x.io/a?b=1) said \"no\".",
            "Caf\u00e9 na\u00efve \u2014 \u6771\u4eac \ud83d\ude00 don't-stop... U.S.A. 3.14 #tag @user",
            "word ".repeat(500),
            "",
            "   ",
            "!!!");
    StructType schema = new StructType().add("doc_id", DataTypes.IntegerType).add("text", DataTypes.StringType);
    List<Row> input = new java.util.ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      input.add(RowFactory.create(i, texts.get(i)));
    }
    Dataset<Row> docs = spark.createDataFrame(input, schema).repartition(2);
    PipelineModel fitted = SparkNlpTokenization.fit(spark, "[^\\pL\\pN]");
    List<Row> rows = SparkNlpTokenization.tokenize(fitted, docs).orderBy("doc_id").collectAsList();

    SparkNlpTokenization.Words words = new SparkNlpTokenization.Words(fitted);
    for (Row row : rows) {
      SparkNlpTokenization.Words.Split split = words.split(texts.get(row.getInt(0)));
      List<String> tokens = row.getList(row.fieldIndex("tokens"));
      List<String> normTokens = row.getList(row.fieldIndex("norm_tokens"));
      assertThat(split.tokens()).as("tokens of text %d", row.getInt(0)).isEqualTo(tokens);
      assertThat(split.normTokens()).as("norm_tokens of text %d", row.getInt(0)).isEqualTo(normTokens);
    }
    assertThat(rows).hasSize(texts.size());
    assertThat(words.split("word ".repeat(500)).tokens()).hasSize(500);
    assertThat(words.split("   ").tokens()).isEmpty();
  }
}
