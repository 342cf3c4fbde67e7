package io.sentimentpipeline.udfs.score;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which words drove a document's negative score, by occlusion: each word (a WordPiece word group:
 * the tokenizer's whitespace and punctuation split, its sub-word pieces together) is left out in
 * turn, the document and all its leave-one-out variants are rescored in one {@link
 * ScoringModel#probabilities} call, and a word's weight is the drop in P(negative) without it
 * (positive = the word pushes towards negative; negative = it pulls towards positive).
 *
 * <p>Why occlusion and not gradient x input: it needs only the public scoring API (no access to the
 * embedding layer or autograd), so it works unchanged on any engine behind {@link ScoringModel}
 * and scores exactly what the scorer scores (calibration included). Its cost is one forward pass
 * per word: W + 1 sequences of at most {@link ScoringModel#maxLength()} ids per document, batched
 * and length-grouped by the model, against about 3 passes' worth for gradient x input. That is
 * affordable because it runs only on an alert's few top documents (BENCHMARKS.md has the figures).
 * Only the document's first window (the model's max length) is attributed: the words the model
 * reads in one pass, which for headlines and most articles is the whole text.
 *
 * <p>Pure apart from the model call; thread-safe as the model is.
 */
public final class OcclusionAttributions {

  /** A word of the text and its weight (drop in P(negative) when it is left out). */
  public record Attribution(String word, double weight) {}

  /**
   * One word of an encoding: its text (as written in the document) and the positions of its pieces
   * in the id sequence.
   */
  public record Word(String text, int[] positions) {}

  private final ScoringModel model;
  private final int negative;
  private final int batchSize;

  /**
   * @param model scores the variants; its labels must include "negative"
   * @param batchSize sequences per forward pass
   */
  public OcclusionAttributions(ScoringModel model, int batchSize) {
    this.negative = model.labels().indexOf("negative");
    if (negative < 0) {
      throw new IllegalArgumentException(
          "model bundle " + model.bundleChecksum() + " has no \"negative\" label (labels " + model.labels() + ")");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    this.model = model;
    this.batchSize = batchSize;
  }

  /**
   * The words of {@code text} that raise its P(negative) most, strongest first: at most {@code
   * topWords}, each with weight &gt; 0, a word repeated in the text counted once (its strongest
   * occurrence, lower-cased match). {@code encoding} is {@code text}'s encoding ([CLS] … [SEP]) by
   * the model's own tokenizer; ids past the model's max length are not attributed.
   */
  public List<Attribution> top(String text, Encoding encoding, int topWords) {
    return strongest(all(encoding.getIds(), words(text, encoding, model.maxLength())), topWords);
  }

  /** Every word's weight, in text order, for the ids {@code ids} and their {@code words}. */
  public List<Attribution> all(long[] ids, List<Word> words) {
    long[] window = ids.length <= model.maxLength() ? ids : truncated(ids, model.maxLength());
    List<long[]> variants = new ArrayList<>(words.size() + 1);
    variants.add(window);
    for (Word word : words) {
      variants.add(without(window, word.positions()));
    }
    float[][] probabilities = model.probabilities(variants, batchSize);
    double base = probabilities[0][negative];
    List<Attribution> out = new ArrayList<>(words.size());
    for (int i = 0; i < words.size(); i++) {
      out.add(new Attribution(words.get(i).text(), base - probabilities[i + 1][negative]));
    }
    return out;
  }

  /**
   * The words of an encoding by the tokenizer's word ids, their text cut from {@code text} by the
   * pieces' character spans; special tokens and words not wholly before position {@code maxLength - 1}
   * (the window's [SEP]) are left out.
   */
  public static List<Word> words(String text, Encoding encoding, int maxLength) {
    long[] wordIds = encoding.getWordIds();
    long[] special = encoding.getSpecialTokenMask();
    CharSpan[] spans = encoding.getCharTokenSpans();
    int limit = Math.min(wordIds.length, maxLength - 1);
    List<Word> words = new ArrayList<>();
    int i = 0;
    while (i < limit) {
      if (special[i] == 1 || wordIds[i] < 0 || spans[i] == null) {
        i++;
        continue;
      }
      int start = i;
      while (i + 1 < wordIds.length && wordIds[i + 1] == wordIds[start] && special[i + 1] == 0 && spans[i + 1] != null) {
        i++;
      }
      if (i >= limit) {
        break; // the word does not fit whole in the window
      }
      int[] positions = new int[i - start + 1];
      for (int p = 0; p < positions.length; p++) {
        positions[p] = start + p;
      }
      int from = Math.max(0, Math.min(spans[start].getStart(), text.length()));
      int to = Math.max(from, Math.min(spans[i].getEnd(), text.length()));
      words.add(new Word(text.substring(from, to), positions));
      i++;
    }
    return words;
  }

  /**
   * The {@code topWords} strongest positive weights, one per lower-cased word (its highest), ties
   * broken by text order.
   */
  public static List<Attribution> strongest(List<Attribution> weights, int topWords) {
    Map<String, Attribution> best = new LinkedHashMap<>();
    for (Attribution a : weights) {
      if (a.weight() > 0 && !a.word().isBlank()) {
        best.merge(a.word().toLowerCase(Locale.ROOT), a, (x, y) -> y.weight() > x.weight() ? y : x);
      }
    }
    return best.values().stream()
        .sorted(Comparator.comparingDouble(Attribution::weight).reversed())
        .limit(topWords)
        .toList();
  }

  /** {@code ids} without the ids at {@code positions} (ascending). */
  static long[] without(long[] ids, int[] positions) {
    long[] out = new long[ids.length - positions.length];
    int next = 0;
    int skip = 0;
    for (int i = 0; i < ids.length; i++) {
      if (skip < positions.length && positions[skip] == i) {
        skip++;
      } else {
        out[next++] = ids[i];
      }
    }
    return out;
  }

  /** The first {@code maxLength - 1} ids and the last ([SEP]). */
  private static long[] truncated(long[] ids, int maxLength) {
    long[] out = new long[maxLength];
    System.arraycopy(ids, 0, out, 0, maxLength - 1);
    out[maxLength - 1] = ids[ids.length - 1];
    return out;
  }
}
