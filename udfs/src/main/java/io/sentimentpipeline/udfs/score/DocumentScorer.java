package io.sentimentpipeline.udfs.score;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores whole documents with a shared {@link ScoringModel}: each document is cut into {@link
 * DocumentChunks}, the chunks of all documents go through the model together (so length grouping
 * works across documents), and each document's chunk probabilities are combined by a {@link
 * ChunkAggregation} and mapped to a {@link SentimentScore}. Cheap to build: one per Spark partition.
 */
public final class DocumentScorer {

  private final ScoringModel model;
  private final int overlap;
  private final ChunkAggregation aggregation;
  private final ScoreMapper mapper;
  private final int batchSize;

  /**
   * @param overlap content tokens shared by consecutive chunks, below {@code model.maxLength() - 2}
   * @param neutralBand for binary models, |score| below which the label is "neutral" (0 = off)
   */
  public DocumentScorer(
      ScoringModel model, int overlap, ChunkAggregation aggregation, double neutralBand, int batchSize) {
    if (overlap < 0 || overlap >= model.maxLength() - 2) {
      throw new IllegalArgumentException(
          "overlap must be in 0.." + (model.maxLength() - 3) + " for a model of max length "
              + model.maxLength() + ", got " + overlap);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    this.model = model;
    this.overlap = overlap;
    this.aggregation = aggregation;
    this.mapper = new ScoreMapper(model.labels(), neutralBand);
    this.batchSize = batchSize;
  }

  /** One score per document, in input order; documents are full (untruncated) [CLS] … [SEP] ids. */
  public List<SentimentScore> score(List<long[]> documents) {
    List<List<DocumentChunks.Chunk>> chunked = new ArrayList<>(documents.size());
    List<long[]> allChunks = new ArrayList<>();
    for (long[] document : documents) {
      List<DocumentChunks.Chunk> chunks = DocumentChunks.split(document, model.maxLength(), overlap);
      chunked.add(chunks);
      allChunks.addAll(DocumentChunks.inputIds(chunks));
    }
    float[][] probabilities = model.probabilities(allChunks, batchSize);
    List<SentimentScore> scores = new ArrayList<>(documents.size());
    int next = 0;
    for (List<DocumentChunks.Chunk> chunks : chunked) {
      List<float[]> vectors = new ArrayList<>(chunks.size());
      for (int i = 0; i < chunks.size(); i++) {
        vectors.add(probabilities[next++]);
      }
      float[] combined =
          aggregation.combine(vectors, DocumentChunks.contentLengths(chunks), mapper.negativeIndex());
      scores.add(mapper.map(combined));
    }
    return scores;
  }
}
