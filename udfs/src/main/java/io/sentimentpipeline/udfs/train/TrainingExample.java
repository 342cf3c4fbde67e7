package io.sentimentpipeline.udfs.train;

import java.io.Serializable;

/**
 * One labelled example as the model sees it: WordPiece ids ([CLS] … [SEP], unpadded), the token
 * types of a text pair ({@code null} for a single text: every token is of type 0) and a class index.
 */
public record TrainingExample(String docId, long[] inputIds, long[] tokenTypeIds, int label) implements Serializable {

  public TrainingExample {
    if (tokenTypeIds != null && tokenTypeIds.length != inputIds.length) {
      throw new IllegalArgumentException(
          "example " + docId + " has " + inputIds.length + " ids but " + tokenTypeIds.length + " token types");
    }
  }

  /** A single-text example. */
  public TrainingExample(String docId, long[] inputIds, int label) {
    this(docId, inputIds, null, label);
  }
}
