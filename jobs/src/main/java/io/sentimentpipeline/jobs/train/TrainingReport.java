package io.sentimentpipeline.jobs.train;

import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import io.sentimentpipeline.udfs.train.EpochResult;
import io.sentimentpipeline.udfs.train.TrainingHistory;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A one-page HTML report of a training run, self-contained (inline SVG, no scripts): loss and
 * validation metric curves per epoch, the test confusion matrix as a heat map, and the comparison
 * with the baseline. Saved in the model bundle as {@code report.html}.
 */
public final class TrainingReport {

  private static final int WIDTH = 420;
  private static final int HEIGHT = 220;
  private static final int PAD = 36;

  private TrainingReport() {}

  public static String html(
      String title, TrainingHistory history, ClassificationMetrics test, ClassificationMetrics baselineValidation) {
    StringBuilder page = new StringBuilder();
    page.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
        .append(escape(title))
        .append("</title><style>body{font-family:sans-serif;margin:24px;color:#222}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append("svg{background:#fafafa;border:1px solid #ddd;margin-right:16px}.legend span{margin-right:12px}</style>")
        .append("</head><body><h1>").append(escape(title)).append("</h1>");
    EpochResult best = history.best();
    page.append(String.format(Locale.ROOT,
        "<p>Best epoch %d of %d (%d optimizer steps%s): validation macro-F1 %.4f, accuracy %.4f; "
            + "baseline (TF-IDF + logistic regression) validation macro-F1 %.4f. Test macro-F1 %.4f, accuracy %.4f.</p>",
        best.epoch(), history.epochs().size(), history.steps(), history.stoppedEarly() ? ", stopped early" : "",
        best.validation().macroF1(), best.validation().accuracy(), baselineValidation.macroF1(),
        test.macroF1(), test.accuracy()));
    List<EpochResult> epochs = history.epochs();
    page.append("<h2>Curves per epoch</h2><div>");
    page.append(chart("Loss", epochs, List.of(
        new Series("train loss", "#1f77b4", EpochResult::trainLoss),
        new Series("validation loss", "#ff7f0e", EpochResult::validationLoss)), Double.NaN));
    page.append(chart("Validation", epochs, List.of(
        new Series("accuracy", "#2ca02c", e -> e.validation().accuracy()),
        new Series("macro-F1", "#d62728", e -> e.validation().macroF1())), baselineValidation.macroF1()));
    page.append("</div><h2>Confusion matrix (test; rows = actual, columns = predicted)</h2>");
    page.append(confusion(test));
    page.append("<h2>Per class (test)</h2><table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>");
    for (ClassificationMetrics.ClassScores scores : test.perClass()) {
      page.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%d</td></tr>",
          escape(scores.label()), scores.precision(), scores.recall(), scores.f1(), scores.support()));
    }
    return page.append("</table></body></html>\n").toString();
  }

  private record Series(String name, String colour, ToDoubleFunction<EpochResult> value) {}

  /** A line chart per series over the epochs; {@code baseline}, unless NaN, is drawn dashed. */
  private static String chart(String title, List<EpochResult> epochs, List<Series> series, double baseline) {
    double max = 0;
    for (Series s : series) {
      for (EpochResult e : epochs) {
        max = Math.max(max, s.value().applyAsDouble(e));
      }
    }
    double top = max <= 1 ? 1 : Math.ceil(max * 10) / 10;
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\"><text x=\"%d\" y=\"18\" font-weight=\"bold\">%s</text>",
        WIDTH, HEIGHT, escape(title), PAD, escape(title)));
    svg.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>",
        PAD, HEIGHT - PAD, WIDTH - 10, HEIGHT - PAD, PAD, 28, PAD, HEIGHT - PAD));
    svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"34\" font-size=\"11\">%.1f</text><text x=\"4\" y=\"%d\" font-size=\"11\">0</text>", top, HEIGHT - PAD));
    for (EpochResult e : epochs) {
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%d</text>",
          x(e.epoch(), epochs.size()), HEIGHT - PAD + 14, e.epoch()));
    }
    if (!Double.isNaN(baseline)) {
      double y = y(baseline, top);
      svg.append(String.format(Locale.ROOT,
          "<line class=\"baseline\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"5,4\"/>"
              + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#555\">baseline macro-F1</text>",
          PAD, y, WIDTH - 10, y, PAD + 6, y - 4));
    }
    int legendX = PAD + 100;
    for (Series s : series) {
      StringBuilder points = new StringBuilder();
      for (EpochResult e : epochs) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(e.epoch(), epochs.size()), y(s.value().applyAsDouble(e), top)));
      }
      svg.append(String.format(Locale.ROOT,
          "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>", s.colour(), points.toString().trim()));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" fill=\"%s\" font-size=\"12\">%s</text>", legendX, s.colour(), escape(s.name())));
      legendX += 120;
    }
    return svg.append("</svg>").toString();
  }

  private static double x(int epoch, int epochs) {
    return epochs <= 1 ? (PAD + WIDTH - 10) / 2.0 : PAD + 10 + (epoch - 1) * (WIDTH - PAD - 30.0) / (epochs - 1);
  }

  private static double y(double value, double top) {
    return HEIGHT - PAD - Math.max(0, Math.min(value, top)) / top * (HEIGHT - PAD - 34);
  }

  private static String confusion(ClassificationMetrics metrics) {
    long max = 1;
    for (long[] row : metrics.confusion()) {
      for (long count : row) {
        max = Math.max(max, count);
      }
    }
    StringBuilder table = new StringBuilder("<table class=\"confusion\"><tr><th></th>");
    metrics.labels().forEach(label -> table.append("<th>").append(escape(label)).append("</th>"));
    table.append("</tr>");
    for (int actual = 0; actual < metrics.labels().size(); actual++) {
      table.append("<tr><th>").append(escape(metrics.labels().get(actual))).append("</th>");
      for (int predicted = 0; predicted < metrics.labels().size(); predicted++) {
        long count = metrics.confusion()[actual][predicted];
        int shade = (int) Math.round(255 - 180.0 * count / max);
        table.append(String.format(Locale.ROOT, "<td style=\"background:rgb(%d,%d,255)\">%d</td>", shade, shade, count));
      }
      table.append("</tr>");
    }
    return table.append("</table>").toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
