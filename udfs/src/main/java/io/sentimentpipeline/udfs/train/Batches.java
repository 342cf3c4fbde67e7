package io.sentimentpipeline.udfs.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Which examples go into which batch, and how a batch becomes tensors. Batches are grouped by
 * length so that little padding is computed: for training, a seeded shuffle is cut into chunks of
 * {@value #CHUNK_BATCHES} batches, each chunk is sorted by length and cut into batches, and the
 * batch order is shuffled again; for inference, all examples are sorted by length.
 *
 * <p>Public for scoring ({@code io.sentimentpipeline.udfs.score}), which batches bare id sequences
 * through {@link #inferenceIds} and {@link #collateIds}.
 */
public final class Batches {

  /** Batches per length-sorted chunk: large enough to cut padding, small enough to stay random. */
  static final int CHUNK_BATCHES = 50;

  private Batches() {}

  /** The training batches of one epoch (indices into the examples), reproducible from {@code rng}. */
  static List<int[]> training(List<TrainingExample> examples, int batchSize, Random rng) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, rng);
    Comparator<Integer> byLength = Comparator.comparingInt(i -> examples.get(i).inputIds().length);
    int chunkSize = batchSize * CHUNK_BATCHES;
    List<int[]> batches = new ArrayList<>();
    for (int start = 0; start < order.size(); start += chunkSize) {
      List<Integer> chunk = new ArrayList<>(order.subList(start, Math.min(order.size(), start + chunkSize)));
      chunk.sort(byLength); // stable: equal lengths keep their shuffled order
      batches.addAll(cut(chunk, batchSize));
    }
    Collections.shuffle(batches, rng);
    return batches;
  }

  /** Inference batches: every example once, sorted by length (the caller restores input order). */
  static List<int[]> inference(List<TrainingExample> examples, int batchSize) {
    return inferenceIds(ids(examples), batchSize);
  }

  /** Inference batches over id sequences: every sequence once, sorted by length (stable). */
  public static List<int[]> inferenceIds(List<long[]> inputIds, int batchSize) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < inputIds.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingInt(i -> inputIds.get(i).length));
    return cut(order, batchSize);
  }

  /** Number of batches an epoch of {@code examples} examples has. */
  static int count(int examples, int batchSize) {
    return (examples + batchSize - 1) / batchSize;
  }

  private static List<int[]> cut(List<Integer> indices, int batchSize) {
    List<int[]> batches = new ArrayList<>();
    for (int start = 0; start < indices.size(); start += batchSize) {
      List<Integer> part = indices.subList(start, Math.min(indices.size(), start + batchSize));
      batches.add(part.stream().mapToInt(Integer::intValue).toArray());
    }
    return batches;
  }

  /**
   * NDList(inputIds [B, T] int64, attentionMask [B, T] int64[, tokenTypeIds [B, T] int64]) for the
   * examples at {@code batch}, padded with id 0 to the longest of them; token types only when the
   * examples are text pairs.
   */
  static NDList collate(NDManager manager, List<TrainingExample> examples, int[] batch) {
    boolean pairs = batch.length > 0 && examples.get(batch[0]).tokenTypeIds() != null;
    return pairs
        ? collateIds(manager, ids(examples), tokenTypes(examples), batch)
        : collateIds(manager, ids(examples), batch);
  }

  /** {@link #collateIds(NDManager, List, int[])} plus the token types of text pairs, padded with 0. */
  public static NDList collateIds(NDManager manager, List<long[]> inputIds, List<long[]> tokenTypeIds, int[] batch) {
    NDList idsAndMask = collateIds(manager, inputIds, batch);
    Shape shape = idsAndMask.get(0).getShape();
    int maxLength = Math.toIntExact(shape.get(1));
    long[] types = new long[batch.length * maxLength];
    for (int row = 0; row < batch.length; row++) {
      long[] rowTypes = tokenTypeIds.get(batch[row]);
      System.arraycopy(rowTypes, 0, types, row * maxLength, rowTypes.length);
    }
    idsAndMask.add(manager.create(types, shape));
    return idsAndMask;
  }

  private static List<long[]> tokenTypes(List<TrainingExample> examples) {
    return new AbstractList<>() {
      @Override
      public long[] get(int index) {
        return examples.get(index).tokenTypeIds();
      }

      @Override
      public int size() {
        return examples.size();
      }
    };
  }

  /** {@link #collate} for bare id sequences. */
  public static NDList collateIds(NDManager manager, List<long[]> inputIds, int[] batch) {
    int maxLength = 1;
    for (int i : batch) {
      maxLength = Math.max(maxLength, inputIds.get(i).length);
    }
    long[] ids = new long[batch.length * maxLength];
    long[] mask = new long[batch.length * maxLength];
    for (int row = 0; row < batch.length; row++) {
      long[] tokens = inputIds.get(batch[row]);
      System.arraycopy(tokens, 0, ids, row * maxLength, tokens.length);
      Arrays.fill(mask, row * maxLength, row * maxLength + tokens.length, 1L);
    }
    Shape shape = new Shape(batch.length, maxLength);
    NDArray idArray = manager.create(ids, shape);
    NDArray maskArray = manager.create(mask, shape);
    return new NDList(idArray, maskArray);
  }

  /** A view, not a copy: training collates from the full example list at every step. */
  private static List<long[]> ids(List<TrainingExample> examples) {
    return new AbstractList<>() {
      @Override
      public long[] get(int index) {
        return examples.get(index).inputIds();
      }

      @Override
      public int size() {
        return examples.size();
      }
    };
  }

  /** The labels of the examples at {@code batch}. */
  static int[] labels(List<TrainingExample> examples, int[] batch) {
    int[] labels = new int[batch.length];
    for (int row = 0; row < batch.length; row++) {
      labels[row] = examples.get(batch[row]).label();
    }
    return labels;
  }
}
