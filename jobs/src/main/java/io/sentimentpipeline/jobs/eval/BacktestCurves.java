package io.sentimentpipeline.jobs.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The backtest's threshold sweep, lead times and picture, in plain Java over rows the Spark side
 * collected: a method's scored ticker-days (its candidates, whatever the threshold) and, for each
 * drop, the method's scored days in the run-up to it. A threshold t turns a method into "alert on
 * every candidate with score >= t", so one pass over the candidates gives its whole
 * precision-recall curve with the definitions of {@link AlertBacktest}.
 */
public final class BacktestCurves {

  /** A drop is caught by an alert this many calendar days before it at most (the day before). */
  public static final int CATCH_DAYS = 1;

  private BacktestCurves() {}

  /** One candidate ticker-day of a method: its score, and whether a big move followed it. */
  public record Scored(double score, boolean followedByMove) {}

  /** A candidate of the drop's ticker {@code daysBefore} calendar days before the drop (0 = the drop's day). */
  public record RunUp(String drop, int daysBefore, double score) {}

  /** The method at one threshold. */
  public record Point(String method, double threshold, boolean isDefault, long alerts, long moves, long drops, long caught) {
    public double precision() {
      return alerts == 0 ? Double.NaN : (double) moves / alerts;
    }

    public double recall() {
      return drops == 0 ? Double.NaN : (double) caught / drops;
    }
  }

  /** Lead of one caught drop: days from the method's earliest alert in the run-up to the drop. */
  public record Lead(String method, String drop, int days) {}

  /** {@code def * 2^(j/8)} for j = -16..16: a quarter to four times the default, the default included. */
  public static List<Double> thresholds(double def) {
    List<Double> out = new ArrayList<>();
    for (int j = -16; j <= 16; j++) {
      out.add(def * Math.pow(2, j / 8.0));
    }
    return out;
  }

  /** The method's point at each threshold; {@code drops} counts every drop, caught or not. */
  public static List<Point> curve(
      String method, List<Scored> candidates, List<RunUp> runUps, long drops, List<Double> thresholds, double defaultThreshold) {
    List<Point> points = new ArrayList<>();
    for (double t : thresholds) {
      long alerts = 0;
      long moves = 0;
      for (Scored s : candidates) {
        if (s.score() >= t) {
          alerts++;
          moves += s.followedByMove() ? 1 : 0;
        }
      }
      long caught = runUps.stream().filter(r -> r.daysBefore() <= CATCH_DAYS && r.score() >= t).map(RunUp::drop).distinct().count();
      points.add(new Point(method, t, Math.abs(t - defaultThreshold) < 1e-9 * Math.max(1, Math.abs(t)), alerts, moves, drops, caught));
    }
    return points;
  }

  /**
   * For each drop caught at threshold {@code t}, the days between the drop and the method's
   * earliest alert (score >= t) among {@code runUps} (which the caller bounds to the lead window),
   * ordered by drop.
   */
  public static List<Lead> leads(String method, List<RunUp> runUps, double t) {
    Map<String, Integer> earliest = new TreeMap<>();
    Map<String, Boolean> caught = new LinkedHashMap<>();
    for (RunUp r : runUps) {
      if (r.score() >= t) {
        earliest.merge(r.drop(), r.daysBefore(), Math::max);
        if (r.daysBefore() <= CATCH_DAYS) {
          caught.put(r.drop(), true);
        }
      }
    }
    List<Lead> out = new ArrayList<>();
    earliest.forEach((drop, days) -> {
      if (caught.containsKey(drop)) {
        out.add(new Lead(method, drop, days));
      }
    });
    return out;
  }

  /** Header and one line per point. */
  public static String csv(List<Point> points) {
    StringBuilder out = new StringBuilder("method,threshold,is_default,alerts,alerts_followed_by_move,precision,drops,drops_caught,recall\n");
    for (Point p : points) {
      out.append(String.format(Locale.ROOT, "%s,%.4f,%s,%d,%d,%.4f,%d,%d,%.4f%n", p.method(), p.threshold(), p.isDefault(),
          p.alerts(), p.moves(), p.precision(), p.drops(), p.caught(), p.recall()));
    }
    return out.toString();
  }

  private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

  /**
   * A precision (y) over recall (x) chart: one line per method through its thresholds, a filled dot
   * at its default threshold, the ceilings as dashed vertical lines, a legend. Axes run from 0 to
   * the largest value shown rounded up to a tenth.
   */
  public static String svg(String title, List<Point> points, Map<String, Double> ceilings) {
    Map<String, List<Point>> byMethod = new LinkedHashMap<>();
    points.stream().filter(p -> p.alerts() > 0).forEach(p -> byMethod.computeIfAbsent(p.method(), m -> new ArrayList<>()).add(p));
    double maxX = roundUp(Math.max(points.stream().mapToDouble(p -> nan0(p.recall())).max().orElse(0),
        ceilings.values().stream().mapToDouble(Double::doubleValue).max().orElse(0)));
    double maxY = roundUp(points.stream().filter(p -> p.alerts() > 0).mapToDouble(p -> nan0(p.precision())).max().orElse(0));
    int w = 760;
    int h = 500;
    int left = 60;
    int right = 250;
    int top = 40;
    int bottom = 50;
    double pw = w - left - right;
    double ph = h - top - bottom;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
    s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w, h));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">%s</text>%n", left, escape(title)));
    for (int i = 0; i <= 10; i++) {
      double fx = left + pw * i / 10;
      double fy = top + ph - ph * i / 10;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>%n", fx, top, fx, top + ph));
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>%n", left, fy, left + pw, fy));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.2f</text>%n", fx, top + ph + 16, maxX * i / 10));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>%n", left - 6, fy + 4, maxY * i / 10));
    }
    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"black\"/>%n", left, top, pw, ph));
    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">recall (drops with an alert on the day or the day before)</text>%n",
        left + pw / 2, h - 12));
    s.append(String.format(Locale.ROOT,
        "<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\">precision (alerts followed by a 2-sigma move)</text>%n", top + ph / 2));
    int legendY = top + 10;
    for (Map.Entry<String, Double> c : ceilings.entrySet()) {
      double x = left + pw * c.getValue() / maxX;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>%n", x, top, x, top + ph));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#666\" font-size=\"10\">%s</text>%n", x + 3, top + 12 + 12 * (legendY - top - 10) / 16,
          escape(c.getKey())));
      legendY += 16;
    }
    legendY = top + 10;
    int color = 0;
    for (Map.Entry<String, List<Point>> m : byMethod.entrySet()) {
      String stroke = COLORS[color++ % COLORS.length];
      StringBuilder path = new StringBuilder();
      for (Point p : m.getValue()) {
        path.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + pw * nan0(p.recall()) / maxX, top + ph - ph * nan0(p.precision()) / maxY));
      }
      s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>%n", path.toString().trim(), stroke));
      m.getValue().stream().filter(Point::isDefault).forEach(p -> s.append(String.format(Locale.ROOT,
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" stroke=\"black\"><title>%s default %.2f: recall %.3f, precision %.3f, %d alerts</title></circle>%n",
          left + pw * nan0(p.recall()) / maxX, top + ph - ph * nan0(p.precision()) / maxY, stroke, escape(p.method()), p.threshold(),
          nan0(p.recall()), nan0(p.precision()), p.alerts())));
      double lx = left + pw + 14;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n", lx, legendY, lx + 20, legendY, stroke));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n", lx + 26, legendY + 4, escape(m.getKey())));
      legendY += 18;
    }
    s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"white\" stroke=\"black\"/>%n", left + pw + 24.0, legendY + 4));
    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">dot: default threshold</text>%n", left + pw + 40.0, legendY + 8));
    s.append("</svg>\n");
    return s.toString();
  }

  private static double roundUp(double v) {
    return Math.max(0.1, Math.ceil(v * 10 - 1e-9) / 10);
  }

  private static double nan0(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
