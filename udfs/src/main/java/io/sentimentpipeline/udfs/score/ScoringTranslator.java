package io.sentimentpipeline.udfs.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import io.sentimentpipeline.udfs.train.Batches;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Pre- and post-processing of one scoring batch: id sequences (already grouped by length) are
 * padded into NDList(inputIds, attentionMask) in the predictor's per-call manager, and the logits
 * come back as temperature-scaled probabilities. The input is a whole batch, so DJL's batchifier
 * (which stacks equal shapes) is not used.
 */
final class ScoringTranslator implements NoBatchifyTranslator<ScoringTranslator.Input, float[][]> {

  /** One batch: id sequences and, for text pairs, their token types ({@code null} for single texts). */
  record Input(List<long[]> ids, List<long[]> tokenTypeIds) {}

  private final double temperature;

  ScoringTranslator(double temperature) {
    this.temperature = temperature;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, Input batch) {
    int[] rows = IntStream.range(0, batch.ids().size()).toArray();
    return batch.tokenTypeIds() == null
        ? Batches.collateIds(ctx.getNDManager(), batch.ids(), rows)
        : Batches.collateIds(ctx.getNDManager(), batch.ids(), batch.tokenTypeIds(), rows);
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList list) {
    NDArray logits = list.singletonOrThrow();
    int rows = Math.toIntExact(logits.getShape().get(0));
    int classes = Math.toIntExact(logits.getShape().get(1));
    float[] flat = logits.toFloatArray();
    float[][] out = new float[rows][];
    float[] row = new float[classes];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * classes, row, 0, classes);
      out[r] = TemperatureScaling.probabilities(row, temperature);
    }
    return out;
  }
}
