package io.sentimentpipeline.jobs.bench;

import io.sentimentpipeline.udfs.model.BundledEncoder;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import io.sentimentpipeline.udfs.nlp.WordPieceEncoder;
import io.sentimentpipeline.udfs.score.ChunkAggregation;
import io.sentimentpipeline.udfs.score.DocumentScorer;
import io.sentimentpipeline.udfs.score.ScoringModel;
import io.sentimentpipeline.udfs.score.ScoringOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Speed of scoring a real corpus rather than fixed shapes: one text column of a CSV file (with a
 * header) or a JSON-lines file, tokenized at its real lengths (truncated to the max length, as the
 * tokenize stage stores ids) and scored through {@link DocumentScorer} and {@link ScoringModel},
 * the code {@code score} runs in every partition (length grouping, engine choice, {@value
 * #DOCUMENTS_PER_CALL} documents per call as {@code score.documents-per-call}). Tokenizing is not
 * timed: it is the tokenize stage's work, measured there.
 */
public final class CorpusBenchmark {

  static final int DOCUMENTS_PER_CALL = 256;

  /** One line shaped like {@link ModelBenchmark.Result}'s. */
  public record Result(
      Path file, int documents, int skipped, double meanIds, int maxLength, int batch, int threads, double perSecond,
      double[] windows, String engine) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "pipeline-corpus file=%s docs=%d skipped_empty=%d mean_ids=%.1f max_length=%d batch=%d threads=%d docs_per_s=%.2f windows=%s engine=%s",
          file.getFileName(), documents, skipped, meanIds, maxLength, batch, threads, perSecond,
          Arrays.toString(Arrays.stream(windows).map(w -> Math.round(w * 100) / 100.0).toArray()).replace(" ", ""),
          engine);
    }
  }

  private CorpusBenchmark() {}

  /**
   * Scores every non-empty text of {@code column} (the first {@code limit}, 0 = all) with the
   * classifier {@link ModelBenchmark} builds (pretrained {@code encoderName}, random head), and
   * reports documents per second over the whole corpus and over {@code windows} equal slices of it.
   */
  public static Result run(
      Path file, String column, int limit, String encoderName, int maxLength, int batch, int threads, int windows,
      ScoringOptions.Engine engine, ScoringOptions.Precision precision)
      throws IOException {
    List<String> all = texts(file, column, limit);
    List<String> texts = all.stream().filter(t -> t != null && !t.isBlank()).toList();
    if (texts.isEmpty()) {
      throw new IllegalArgumentException(file + ": column '" + column + "' has no non-empty text");
    }
    TokenizerSpec tokenizer =
        new TokenizerSpec(encoderName, "classpath:" + BundledEncoder.byName(encoderName).tokenizerResource(), maxLength);
    List<long[]> ids = new ArrayList<>(texts.size());
    long totalIds = 0;
    WordPieceEncoder encoder = WordPieceEncoder.forSpec(tokenizer);
    for (int start = 0; start < texts.size(); start += DOCUMENTS_PER_CALL) {
      List<String> slice = texts.subList(start, Math.min(texts.size(), start + DOCUMENTS_PER_CALL));
      for (WordPieceEncoder.Ids encoded : encoder.encodeIds(slice.toArray(String[]::new))) {
        ids.add(Arrays.stream(encoded.ids()).asLongStream().toArray());
        totalIds += encoded.ids().length;
      }
    }
    int slices = Math.max(1, Math.min(windows, ids.size()));
    double[] rates = new double[slices];
    long elapsed = 0;
    try (ScoringModel model = ModelBenchmark.scoringModel(encoderName, maxLength, new ScoringOptions(engine, precision, 1, threads, ModelBenchmark.NO_RECHECK))) {
      DocumentScorer scorer = new DocumentScorer(model, 0, ChunkAggregation.MEAN, 0.0, batch);
      scorer.score(ids.subList(0, Math.min(ids.size(), DOCUMENTS_PER_CALL))); // warm-up
      for (int w = 0; w < slices; w++) {
        List<long[]> part = ids.subList(w * ids.size() / slices, (w + 1) * ids.size() / slices);
        long start = System.nanoTime();
        for (int from = 0; from < part.size(); from += DOCUMENTS_PER_CALL) {
          scorer.score(part.subList(from, Math.min(part.size(), from + DOCUMENTS_PER_CALL)));
        }
        long took = System.nanoTime() - start;
        elapsed += took;
        rates[w] = part.size() / (took / 1e9);
      }
      return new Result(
          file, ids.size(), all.size() - texts.size(), (double) totalIds / ids.size(), maxLength, batch, threads,
          ids.size() / (elapsed / 1e9), rates, ModelBenchmark.engineName(model.choice().engine(), model.choice().precision()));
    }
  }

  /** The column's values in file order, read by Spark as ingest reads files (CSV: header, quoted multi-line fields). */
  static List<String> texts(Path file, String column, int limit) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--corpus " + file + " is not a file");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    SparkSession spark =
        SparkSession.getDefaultSession().isDefined()
            ? SparkSession.getDefaultSession().get()
            : SparkSession.builder().master("local[1]").appName("corpus-benchmark").config("spark.ui.enabled", "false").getOrCreate();
    Dataset<Row> rows =
        name.endsWith(".csv")
            ? spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"").csv(file.toString())
            : spark.read().json(file.toString());
    if (!Arrays.asList(rows.columns()).contains(column)) {
      throw new IllegalArgumentException(
          file + " has no column '" + column + "' (columns: " + String.join(", ", rows.columns()) + "); pass --text-column");
    }
    Dataset<String> column0 = rows.select(rows.col(column).cast("string")).as(Encoders.STRING());
    return (limit > 0 ? column0.limit(limit) : column0).collectAsList().stream().map(t -> Objects.toString(t, null)).toList();
  }
}
