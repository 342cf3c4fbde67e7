package io.sentimentpipeline.udfs.model;

/** How {@link SentimentClassifier} turns per-token states into one vector per sequence. */
public enum Pooling {
  /** The state of the first token ([CLS]). */
  CLS,
  /** The mean over tokens whose attention mask is 1 (padding is ignored). */
  MEAN
}
