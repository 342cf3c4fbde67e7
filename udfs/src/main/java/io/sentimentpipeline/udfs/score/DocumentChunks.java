package io.sentimentpipeline.udfs.score;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a document longer than the model's window into overlapping windows, so that a long
 * article is scored on all of its text instead of its first {@code maxLength} tokens. Each window
 * is wrapped again in the document's own first ([CLS]) and last ([SEP]) ids, as the model was
 * trained; consecutive windows share {@code overlap} content tokens so that no sentence is only
 * ever seen cut in half. The per-window scores are combined by a {@link ChunkAggregation}.
 */
public final class DocumentChunks {

  /**
   * One window.
   *
   * @param inputIds [CLS] + content + [SEP], at most {@code maxLength} ids
   * @param contentStart offset of the first content token in the document's content (the ids
   *     between its [CLS] and [SEP])
   * @param contentLength number of content tokens in this window (its length less 2)
   */
  public record Chunk(long[] inputIds, int contentStart, int contentLength) {}

  private DocumentChunks() {}

  /**
   * The windows of a document. A document of at most {@code maxLength} ids is one chunk, unchanged.
   *
   * @param inputIds the document's full WordPiece ids, [CLS] first and [SEP] last, not truncated
   * @param maxLength the model's window, [CLS] and [SEP] included (at least 3)
   * @param overlap content tokens shared by consecutive windows, 0 &lt;= overlap &lt; maxLength - 2
   */
  public static List<Chunk> split(long[] inputIds, int maxLength, int overlap) {
    if (maxLength < 3) {
      throw new IllegalArgumentException(
          "maxLength must be at least 3 ([CLS], one token, [SEP]), got " + maxLength);
    }
    int window = maxLength - 2;
    if (overlap < 0 || overlap >= window) {
      throw new IllegalArgumentException(
          "overlap must be in 0.." + (window - 1) + " (below the " + window
              + " content tokens of a window of maxLength " + maxLength + "), got " + overlap);
    }
    if (inputIds.length < 2) {
      throw new IllegalArgumentException(
          "a document's ids start with [CLS] and end with [SEP]; got " + inputIds.length + " ids");
    }
    int contentLength = inputIds.length - 2;
    if (inputIds.length <= maxLength) {
      return List.of(new Chunk(inputIds, 0, contentLength));
    }
    long cls = inputIds[0];
    long sep = inputIds[inputIds.length - 1];
    int step = window - overlap;
    List<Chunk> chunks = new ArrayList<>();
    for (int start = 0; ; start += step) {
      int end = Math.min(start + window, contentLength);
      long[] ids = new long[end - start + 2];
      ids[0] = cls;
      System.arraycopy(inputIds, 1 + start, ids, 1, end - start);
      ids[ids.length - 1] = sep;
      chunks.add(new Chunk(ids, start, end - start));
      if (end == contentLength) {
        return chunks;
      }
    }
  }

  /** The content lengths of {@code chunks}, the weights {@link ChunkAggregation} may use. */
  public static int[] contentLengths(List<Chunk> chunks) {
    return chunks.stream().mapToInt(Chunk::contentLength).toArray();
  }

  /** The input ids of {@code chunks}, ready for {@link ScoringModel#probabilities}. */
  public static List<long[]> inputIds(List<Chunk> chunks) {
    return chunks.stream().map(Chunk::inputIds).toList();
  }
}
