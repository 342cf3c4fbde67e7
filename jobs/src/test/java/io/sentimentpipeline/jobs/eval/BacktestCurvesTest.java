package io.sentimentpipeline.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.jobs.eval.BacktestCurves.Point;
import io.sentimentpipeline.jobs.eval.BacktestCurves.RunUp;
import io.sentimentpipeline.jobs.eval.BacktestCurves.Scored;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The threshold sweep, lead times and picture on hand-made candidates. */
class BacktestCurvesTest {

  /** Scores 1..6; the ones scoring 4 and 6 were followed by a move. */
  private static final List<Scored> CANDIDATES =
      List.of(new Scored(1, false), new Scored(2, true), new Scored(3, false), new Scored(4, true), new Scored(5, false),
          new Scored(6, true));

  /** Drop A: score 5 the day before and 2 three days before; B: 3 on its day; C: 6 two days before only. */
  private static final List<RunUp> RUN_UPS =
      List.of(new RunUp("A", 1, 5), new RunUp("A", 3, 2), new RunUp("B", 0, 3), new RunUp("C", 2, 6));

  @Test
  void aHigherThresholdTradesRecallForFewerAlerts() {
    List<Point> points = BacktestCurves.curve("m", CANDIDATES, RUN_UPS, 4, List.of(1.0, 3.0, 4.0, 5.5, 7.0), 4.0);
    assertThat(points).extracting(Point::alerts).containsExactly(6L, 4L, 3L, 1L, 0L);
    assertThat(points).extracting(Point::moves).containsExactly(3L, 2L, 2L, 1L, 0L);
    assertThat(points).extracting(Point::caught).as("C's alert is too early to catch it").containsExactly(2L, 2L, 1L, 0L, 0L);
    assertThat(points.get(1).recall()).isEqualTo(0.5);
    assertThat(points.get(2).precision()).isEqualTo(2.0 / 3);
    assertThat(points.get(4).precision()).as("no alerts").isNaN();
    assertThat(points).filteredOn(Point::isDefault).extracting(Point::threshold).containsExactly(4.0);
  }

  @Test
  void theLeadIsTheEarliestAlertInTheRunUpOfACaughtDrop() {
    assertThat(BacktestCurves.leads("m", RUN_UPS, 2.0))
        .as("A: alerts 3 and 1 days before -> 3; B: same day; C not caught (2 days before only)")
        .containsExactly(new BacktestCurves.Lead("m", "A", 3), new BacktestCurves.Lead("m", "B", 0));
    assertThat(BacktestCurves.leads("m", RUN_UPS, 4.0)).containsExactly(new BacktestCurves.Lead("m", "A", 1));
  }

  @Test
  void thresholdsSpanAQuarterToFourTimesTheDefault() {
    List<Double> t = BacktestCurves.thresholds(3.5);
    assertThat(t).hasSize(33).isSorted().contains(3.5);
    assertThat(t.get(0)).isEqualTo(3.5 / 4);
    assertThat(t.get(32)).isEqualTo(14.0);
  }

  @Test
  void csvAndSvgNameEveryMethodAndMarkTheDefault() {
    List<Point> points =
        new java.util.ArrayList<>(BacktestCurves.curve("rule_a", CANDIDATES, RUN_UPS, 4, List.of(1.0, 4.0), 4.0));
    points.addAll(BacktestCurves.curve("rule_<b>", CANDIDATES, RUN_UPS, 4, List.of(2.0, 3.0), 3.0));
    String csv = BacktestCurves.csv(points);
    assertThat(csv.lines()).hasSize(5).first().asString().startsWith("method,threshold,is_default");
    assertThat(csv).contains("rule_a,4.0000,true,3,2,0.6667,4,1,0.2500");
    String svg = BacktestCurves.svg("title", points, Map.of("ceiling", 0.75));
    assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("rule_a", "rule_&lt;b&gt;", "ceiling", "stroke-dasharray");
    assertThat(svg.split("<polyline", -1)).as("one line per method").hasSize(3);
    assertThat(svg.split("<circle", -1)).as("a default dot per method, and the legend's").hasSize(4);
  }
}
