package io.sentimentpipeline.udfs.train;

import java.io.Serializable;

/** One labelled document as the model sees it: WordPiece ids ([CLS] … [SEP], unpadded) and a class index. */
public record TrainingExample(String docId, long[] inputIds, int label) implements Serializable {}
