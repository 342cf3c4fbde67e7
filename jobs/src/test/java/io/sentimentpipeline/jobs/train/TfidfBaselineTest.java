package io.sentimentpipeline.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sentimentpipeline.jobs.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The deterministic split and the MLlib baseline on seeded synthetic word lists. */
class TfidfBaselineTest extends SparkTestBase {

  private static final List<String> LABELS = List.of("negative", "neutral", "positive");
  private static final List<List<String>> CUES =
      List.of(
          List.of("awful", "broken", "refund", "terrible", "worst"),
          List.of("arrived", "tuesday", "package", "standard", "manual"),
          List.of("love", "excellent", "great", "perfect", "recommend"));
  private static final List<String> FILLER = List.of("the", "it", "was", "and", "a", "this", "product", "i");
  private static final SplitConfig SPLIT = new SplitConfig(0.15, 0.15, 7);
  private static final BaselineConfig BASELINE = new BaselineConfig(1 << 12, 1, 0.01, 50);

  private static Dataset<Row> documents(int count, long seed, boolean shuffleLabels) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int label = i % 3;
      List<String> words = new ArrayList<>();
      for (int w = 0; w < 12; w++) {
        words.add(random.nextInt(3) == 0 ? CUES.get(label).get(random.nextInt(5)) : FILLER.get(random.nextInt(FILLER.size())));
      }
      String labelName = LABELS.get(shuffleLabels ? random.nextInt(3) : label);
      rows.add(RowFactory.create("doc-" + seed + "-" + i, labelName, words));
    }
    StructType schema =
        new StructType()
            .add("doc_id", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("norm_tokens", DataTypes.createArrayType(DataTypes.StringType));
    return spark.createDataFrame(rows, schema);
  }

  /**
   * MLlib's netlib must not load the system libblas.so.3: libtorch's sgemm_ would bind to it (10x
   * slower fine-tuning where that is the reference BLAS). Meaningful on a machine that has one.
   */
  @Test
  void mllibNeverLoadsTheSystemBlasThatLibtorchWouldBindTo() {
    assertThat(System.getProperty("dev.ludovic.netlib.blas.nativeLib")).isEqualTo("none-keep-libtorch-blas");
    assertThatThrownBy(dev.ludovic.netlib.blas.NativeBLAS::getInstance).isInstanceOf(RuntimeException.class);
  }

  @Test
  void splitIsStratifiedDeterministicAndStableAsTheCorpusGrows() {
    Dataset<Row> first = DataSplit.assign(documents(3000, 1, false), SPLIT);
    for (String label : LABELS) {
      Dataset<Row> ofLabel = first.where("label = '" + label + "'");
      double n = ofLabel.count();
      assertThat(ofLabel.where("split = 'test'").count() / n).as(label).isCloseTo(0.15, within(0.04));
      assertThat(ofLabel.where("split = 'validation'").count() / n).as(label).isCloseTo(0.15, within(0.04));
    }
    Dataset<Row> grown = DataSplit.assign(documents(3000, 1, false).union(documents(500, 2, false)), SPLIT);
    assertThat(grown.join(first, new String[] {"doc_id", "split"}, "left_semi").count())
        .as("every earlier document keeps its split")
        .isEqualTo(3000);
    Dataset<Row> otherSeed = DataSplit.assign(documents(3000, 1, false), new SplitConfig(0.15, 0.15, 8));
    assertThat(otherSeed.join(first, new String[] {"doc_id", "split"}, "left_semi").count()).isLessThan(3000);
  }

  @Test
  void aSourceCanSupplyTheTestSet() {
    Dataset<Row> docs = documents(600, 4, false).withColumn("source", functions.when(functions.col("doc_id").endsWith("7"), "official_test").otherwise("main"));
    Dataset<Row> split = DataSplit.assign(docs, new SplitConfig(0.15, 0.15, 7, java.util.Map.of("official_test", "test"), java.util.Map.of()));
    assertThat(split.where("split = 'test' and source <> 'official_test'").count()).as("no hashed test rows").isZero();
    assertThat(split.where("source = 'official_test' and split <> 'test'").count()).isZero();
    assertThat(split.where("split = 'validation'").count()).isPositive();
  }

  @Test
  void samplingResamplesOnlyTheTrainingDocumentsOfTheListedSources() {
    Dataset<Row> docs =
        documents(3000, 5, false).withColumn("source", functions.when(functions.col("doc_id").endsWith("1"), "small").otherwise("big"));
    SplitConfig sampled = new SplitConfig(0.15, 0.15, 7, java.util.Map.of(), java.util.Map.of("big", 0.25, "small", 2.5));
    Dataset<Row> plain = DataSplit.assign(docs, SPLIT);
    Dataset<Row> drawn = DataSplit.sample(DataSplit.assign(docs, sampled), sampled).cache();

    for (String heldOut : List.of("validation", "test")) {
      assertThat(drawn.where("split = '" + heldOut + "'").count()).as(heldOut + " untouched").isEqualTo(plain.where("split = '" + heldOut + "'").count());
    }
    double bigTrain = plain.where("split = 'train' and source = 'big'").count();
    double smallTrain = plain.where("split = 'train' and source = 'small'").count();
    assertThat(drawn.where("split = 'train' and source = 'big'").count() / bigTrain).isCloseTo(0.25, within(0.05));
    assertThat(drawn.where("split = 'train' and source = 'small'").count() / smallTrain).isCloseTo(2.5, within(0.15));
    assertThat(drawn.where("split = 'train' and source = 'small'").groupBy("doc_id").count().where("count < 2 or count > 3").count())
        .as("each small document twice or three times")
        .isZero();
    assertThat(DataSplit.sample(DataSplit.assign(docs, sampled), sampled).except(drawn).count()).as("deterministic").isZero();
  }

  @Test
  void samplingRatesAreChecked() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SplitConfig(0.1, 0.1, 1, java.util.Map.of(), java.util.Map.of("fiqa", 0.0)))
        .hasMessageContaining("train.split.sampling.fiqa");
  }

  @Test
  void baselineLearnsCueWordsAndNothingFromShuffledLabels() {
    TfidfBaseline.Result learned = TfidfBaseline.fitAndEvaluate(DataSplit.assign(documents(900, 3, false), SPLIT), LABELS, BASELINE);
    assertThat(learned.validation().macroF1()).isGreaterThan(0.9);
    assertThat(learned.test().accuracy()).isGreaterThan(0.9);
    assertThat(learned.test().total()).isBetween(90L, 180L);

    TfidfBaseline.Result shuffled = TfidfBaseline.fitAndEvaluate(DataSplit.assign(documents(900, 3, true), SPLIT), LABELS, BASELINE);
    assertThat(shuffled.validation().accuracy()).as("no signal, near chance").isLessThan(0.55);
  }
}
