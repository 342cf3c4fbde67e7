package io.sentimentpipeline.jobs.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.jobs.Jobs;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Tokenize over a small silver.documents: real Spark NLP and the real MiniLM tokenizer. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenizeJobTest extends SparkTestBase {

  @BeforeAll
  static void writeDocuments() {
    StructType schema =
        new StructType()
            .add("doc_id", DataTypes.StringType)
            .add("domain", DataTypes.StringType)
            .add("text", DataTypes.StringType);
    List<Row> docs =
        List.of(
            RowFactory.create("d1", "review", "Great phone, LOVE it!"),
            RowFactory.create("d2", "news", "Shares of $NVX fell 12% on Monday after the probe."),
            RowFactory.create("d3", "review", "Don't buy: it's $40 and broke in 2 days."),
            RowFactory.create("d4", "review", "long ".repeat(300).trim()));
    spark.createDataFrame(docs, schema).repartition(2).write().format("delta")
        .save(new Warehouse(config().warehouse()).location(TableName.DOCUMENTS));
  }

  @Test
  @Order(1)
  void givesEveryDocumentWordsAndTheEncodersOwnIds() {
    TokenizeJob.Result result = Jobs.tokenize(spark, config("tokenize.parity-sample=1"));

    assertThat(result.documents()).isEqualTo(4);
    assertThat(result.tokens()).isEqualTo(spark.sql("select sum(n_tokens) from silver.tokens").first().getLong(0));
    assertThat(result.inputIds()).isEqualTo(spark.sql("select sum(size(input_ids)) from silver.tokens").first().getLong(0));
    assertThat(result.truncated()).as("d4 has 300 words, max-length 256").isEqualTo(1);
    assertThat(result.parityChecked()).as("parity-sample 1 checks every document").isEqualTo(4);
    assertThat(result.parityShare()).isEqualTo(1.0);
    assertThat(spark.sql("select count(*) from silver.tokens where spark_nlp_ids_match").first().getLong(0)).isEqualTo(4);
    assertThat(result.tokenizerId()).startsWith("all-minilm-l6-v2@").endsWith("/max256");

    Row d1 = spark.sql("select * from silver.tokens where doc_id = 'd1'").first();
    assertThat(d1.<String>getList(d1.fieldIndex("tokens"))).containsExactly("Great", "phone", ",", "LOVE", "it", "!");
    assertThat(d1.<String>getList(d1.fieldIndex("norm_tokens"))).containsExactly("great", "phone", "love", "it");
    assertThat(d1.<Integer>getAs("n_tokens")).isEqualTo(6);
    List<Integer> ids = d1.getList(d1.fieldIndex("input_ids"));
    assertThat(ids.get(0)).as("[CLS]").isEqualTo(101);
    assertThat(ids.get(ids.size() - 1)).as("[SEP]").isEqualTo(102);
    assertThat(d1.<Integer>getAs("n_input_ids")).isEqualTo(ids.size());
    assertThat(d1.schema().fieldNames()).as("unpadded ids: the mask would be all ones").doesNotContain("attention_mask");
    Row d4 = spark.sql("select n_input_ids, truncated from silver.tokens where doc_id = 'd4'").first();
    assertThat(d4.getInt(0)).isEqualTo(256);
    assertThat(d4.getBoolean(1)).isTrue();
  }

  @Test
  @Order(2)
  void rerunTokenizesNothingNew() {
    assertThat(Jobs.tokenize(spark, config()).documents()).isZero();
    assertThat(spark.sql("select count(*) from silver.tokens").first().getLong(0)).isEqualTo(4);
  }

  @Test
  @Order(3)
  void anotherMaxLengthIsAnotherTokenizer() {
    PipelineConfig shorter = config("tokenize.max-length=16", "tokenize.parity-sample=0");
    TokenizeJob.Result result = Jobs.tokenize(spark, shorter);
    assertThat(result.documents()).isEqualTo(4);
    assertThat(result.truncated()).as("d2, d3, d4 exceed 16 ids").isEqualTo(3);
    assertThat(result.parityChecked()).as("parity-sample 0: no check").isZero();
    assertThat(result.toString()).contains("parity not checked");
    assertThat(spark.sql("select count(*) from silver.tokens where tokenizer_id = '" + result.tokenizerId() + "' and spark_nlp_ids_match is null").first().getLong(0))
        .isEqualTo(4);
    assertThat(spark.sql("select count(distinct tokenizer_id) from silver.tokens").first().getLong(0)).isEqualTo(2);
  }

  @Test
  @Order(4)
  void appendsToATableWrittenWithAnAttentionMaskColumn() {
    String tokens = new Warehouse(config().warehouse()).location(TableName.TOKENS);
    spark.sql("ALTER TABLE delta.`" + tokens + "` ADD COLUMNS (attention_mask ARRAY<INT>)");
    TokenizeJob.Result result = Jobs.tokenize(spark, config("tokenize.max-length=32"));
    assertThat(result.documents()).isEqualTo(4);
    assertThat(spark.sql("select count(*) from silver.tokens where tokenizer_id = '" + result.tokenizerId() + "' and attention_mask is null and size(input_ids) = n_input_ids").first().getLong(0))
        .as("older tables keep the column; new rows leave it null")
        .isEqualTo(4);
  }
}
