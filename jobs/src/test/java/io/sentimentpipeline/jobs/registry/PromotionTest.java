package io.sentimentpipeline.jobs.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PromotionTest {

  @Test
  void mustBeatBothChampionAndBaselineByTheMargin() {
    assertThat(Promotion.decide(0.86, OptionalDouble.empty(), 0.80, 0.01).promoted()).isTrue();
    assertThat(Promotion.decide(0.805, OptionalDouble.empty(), 0.80, 0.01).promoted()).as("within margin of baseline").isFalse();
    assertThat(Promotion.decide(0.86, OptionalDouble.of(0.855), 0.80, 0.01).promoted()).as("within margin of champion").isFalse();
    assertThat(Promotion.decide(0.87, OptionalDouble.of(0.855), 0.80, 0.01).promoted()).isTrue();
    assertThat(Promotion.decide(0.87, OptionalDouble.of(0.855), 0.90, 0.01).promoted()).as("baseline better than both").isFalse();
  }

  @Test
  void reasonStatesBothScores() {
    Promotion decision = Promotion.decide(0.85, OptionalDouble.of(0.87), 0.80, 0.01);
    assertThat(decision.reason()).startsWith("not promoted").contains("0.8500", "champion 0.8700", "baseline 0.8000");
  }
}
