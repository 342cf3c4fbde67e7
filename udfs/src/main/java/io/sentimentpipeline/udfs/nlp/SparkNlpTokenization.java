package io.sentimentpipeline.udfs.nlp;

import com.johnsnowlabs.nlp.Annotation;
import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.annotators.Normalizer;
import com.johnsnowlabs.nlp.annotators.NormalizerModel;
import com.johnsnowlabs.nlp.annotators.Tokenizer;
import com.johnsnowlabs.nlp.annotators.TokenizerModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;
import scala.collection.Iterator;
import scala.collection.immutable.Map;
import scala.collection.immutable.Map$;

import static org.apache.spark.sql.functions.col;

/**
 * The rule-based Spark NLP pipeline that splits cleaned text into words in parallel over
 * partitions: DocumentAssembler, Tokenizer, and a lower-casing Normalizer for bag-of-words
 * features. Needs no pretrained download. {@link #tokenize} runs it as DataFrame stages; {@link
 * Words} runs the same fitted annotators on one text at a time inside a task, which skips the
 * annotation structs (with a metadata map) every stage would otherwise write and read back for
 * each token.
 */
public final class SparkNlpTokenization {

  /** Output columns of the Tokenizer and the Normalizer. */
  private static final String TOKEN = "token";
  private static final String NORMALIZED = "normalized";

  private SparkNlpTokenization() {}

  /** Unfitted pipeline reading column {@code text}. */
  public static Pipeline pipeline(String normalizerCleanupPattern) {
    DocumentAssembler document = new DocumentAssembler();
    document.setInputCol("text");
    document.setOutputCol("document");
    document.setCleanupMode("disabled");

    Tokenizer tokenizer = new Tokenizer();
    tokenizer.setInputCols(new String[] {"document"});
    tokenizer.setOutputCol(TOKEN);

    Normalizer normalizer = new Normalizer();
    normalizer.setInputCols(new String[] {TOKEN});
    normalizer.setOutputCol(NORMALIZED);
    normalizer.setLowercase(true);
    normalizer.setCleanupPatterns(new String[] {normalizerCleanupPattern});

    return new Pipeline().setStages(new PipelineStage[] {document, tokenizer, normalizer});
  }

  /**
   * The pipeline fitted without reading any documents: its annotators are rule-based, so fitting
   * needs only the {@code text} column's schema.
   */
  public static PipelineModel fit(SparkSession spark, String normalizerCleanupPattern) {
    StructType schema = new StructType().add("text", DataTypes.StringType);
    return pipeline(normalizerCleanupPattern).fit(spark.createDataFrame(List.<Row>of(), schema));
  }

  /**
   * A fitted pipeline applied to single texts inside a task, by calling its annotators in turn as
   * the DataFrame stages do (one per task: not shared between threads); gives what {@link
   * #tokenize} puts in {@code tokens} and {@code norm_tokens}. Not Spark NLP's LightPipeline: its
   * {@code annotate} first asks the file system whether each text is a path to read.
   */
  public static final class Words {
    private static final Map<String, String> NO_METADATA = Map$.MODULE$.empty();

    private final DocumentAssembler document;
    private final TokenizerModel tokenizer;
    private final NormalizerModel normalizer;

    public Words(PipelineModel fitted) {
      Transformer[] stages = fitted.stages();
      this.document = (DocumentAssembler) stages[0];
      this.tokenizer = (TokenizerModel) stages[1];
      this.normalizer = (NormalizerModel) stages[2];
    }

    /** Spark NLP words of one text: {@code tokens} (case kept) and {@code norm_tokens}. */
    public record Split(List<String> tokens, List<String> normTokens) {}

    public Split split(String text) {
      Seq<Annotation> tokens = tokenizer.annotate(document.assemble(text, NO_METADATA));
      return new Split(results(tokens), results(normalizer.annotate(tokens)));
    }

    private static List<String> results(Seq<Annotation> annotations) {
      List<String> out = new ArrayList<>(annotations.size());
      for (Iterator<Annotation> it = annotations.iterator(); it.hasNext(); ) {
        out.add(it.next().result());
      }
      return out;
    }
  }

  /**
   * Adds {@code tokens} (Spark NLP words, case kept) and {@code norm_tokens} (lower-cased, cleaned)
   * to {@code docs}, which must have a {@code text} column; other columns pass through.
   */
  public static Dataset<Row> tokenize(PipelineModel fitted, Dataset<Row> docs) {
    return fitted
        .transform(docs)
        .withColumn("tokens", col("token.result"))
        .withColumn("norm_tokens", col("normalized.result"))
        .drop("document", "token", "normalized");
  }
}
