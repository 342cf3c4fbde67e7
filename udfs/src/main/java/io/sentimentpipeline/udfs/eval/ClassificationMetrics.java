package io.sentimentpipeline.udfs.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix of a classifier's
 * predictions: the figures every model comparison here (fine-tuned encoder, TF-IDF baseline,
 * champion) is made on. Classes are indices into {@code labels}.
 *
 * @param confusion {@code confusion[actual][predicted]} counts
 */
public record ClassificationMetrics(List<String> labels, long[][] confusion) implements Serializable {

  /** Precision, recall and F1 of one class; 0 where undefined (no predictions or no examples). */
  public record ClassScores(String label, double precision, double recall, double f1, long support) {}

  public ClassificationMetrics {
    labels = List.copyOf(labels);
    if (confusion.length != labels.size()) {
      throw new IllegalArgumentException("confusion matrix must be " + labels.size() + " x " + labels.size());
    }
  }

  /** Counts {@code actual[i]} against {@code predicted[i]}. */
  public static ClassificationMetrics of(List<String> labels, int[] actual, int[] predicted) {
    if (actual.length != predicted.length) {
      throw new IllegalArgumentException(
          "actual and predicted differ in length: " + actual.length + " vs " + predicted.length);
    }
    long[][] confusion = new long[labels.size()][labels.size()];
    for (int i = 0; i < actual.length; i++) {
      confusion[actual[i]][predicted[i]]++;
    }
    return new ClassificationMetrics(labels, confusion);
  }

  public long total() {
    long total = 0;
    for (long[] row : confusion) {
      for (long count : row) {
        total += count;
      }
    }
    return total;
  }

  public double accuracy() {
    long correct = 0;
    for (int i = 0; i < confusion.length; i++) {
      correct += confusion[i][i];
    }
    long total = total();
    return total == 0 ? 0 : (double) correct / total;
  }

  /** Unweighted mean of the per-class F1 over classes that occur (in truth or prediction). */
  public double macroF1() {
    double sum = 0;
    int present = 0;
    for (int c = 0; c < labels.size(); c++) {
      if (support(c) > 0 || predictedCount(c) > 0) {
        sum += scores(c).f1();
        present++;
      }
    }
    return present == 0 ? 0 : sum / present;
  }

  public List<ClassScores> perClass() {
    List<ClassScores> scores = new ArrayList<>();
    for (int c = 0; c < labels.size(); c++) {
      scores.add(scores(c));
    }
    return scores;
  }

  private ClassScores scores(int c) {
    long truePositives = confusion[c][c];
    long predicted = predictedCount(c);
    long support = support(c);
    double precision = predicted == 0 ? 0 : (double) truePositives / predicted;
    double recall = support == 0 ? 0 : (double) truePositives / support;
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    return new ClassScores(labels.get(c), precision, recall, f1, support);
  }

  private long support(int c) {
    long support = 0;
    for (long count : confusion[c]) {
      support += count;
    }
    return support;
  }

  private long predictedCount(int c) {
    long predicted = 0;
    for (long[] row : confusion) {
      predicted += row[c];
    }
    return predicted;
  }
}
