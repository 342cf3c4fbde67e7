package io.sentimentpipeline.udfs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkAggregationTest {

  // labels [negative, neutral, positive]
  private static final List<float[]> CHUNKS =
      List.of(new float[] {0.1f, 0.2f, 0.7f}, new float[] {0.6f, 0.3f, 0.1f}, new float[] {0.3f, 0.4f, 0.3f});
  private static final int[] LENGTHS = {8, 8, 4};

  @Test
  void meanAveragesTheChunks() {
    assertThat(ChunkAggregation.MEAN.combine(CHUNKS, LENGTHS, 0))
        .containsExactly(new float[] {1.0f / 3, 0.3f, 1.1f / 3}, within(1e-6f));
  }

  @Test
  void lengthWeightedCountsContentTokens() {
    assertThat(ChunkAggregation.LENGTH_WEIGHTED.combine(CHUNKS, LENGTHS, 0))
        .containsExactly(new float[] {(0.8f + 4.8f + 1.2f) / 20, (1.6f + 2.4f + 1.6f) / 20, (5.6f + 0.8f + 1.2f) / 20}, within(1e-6f));
    assertThat(ChunkAggregation.LENGTH_WEIGHTED.combine(CHUNKS, new int[] {1, 1, 1}, 0))
        .as("equal lengths = mean")
        .containsExactly(ChunkAggregation.MEAN.combine(CHUNKS, LENGTHS, 0), within(1e-6f));
  }

  @Test
  void mostNegativeTakesTheChunkWithTheHighestNegativeProbability() {
    assertThat(ChunkAggregation.MOST_NEGATIVE.combine(CHUNKS, LENGTHS, 0)).containsExactly(0.6f, 0.3f, 0.1f);
    assertThat(ChunkAggregation.MOST_NEGATIVE.combine(CHUNKS, LENGTHS, 2))
        .as("negative class at index 2 of another label order")
        .containsExactly(0.1f, 0.2f, 0.7f);
  }

  @Test
  void oneChunkIsItsOwnResultForEveryAggregation() {
    for (ChunkAggregation aggregation : ChunkAggregation.values()) {
      assertThat(aggregation.combine(List.of(new float[] {0.25f, 0.75f}), new int[] {5}, 0))
          .as(aggregation.configName())
          .containsExactly(new float[] {0.25f, 0.75f}, within(1e-7f));
    }
  }

  @Test
  void parsesConfigNamesAndListsTheAllowedOnes() {
    assertThat(ChunkAggregation.parse("mean")).isEqualTo(ChunkAggregation.MEAN);
    assertThat(ChunkAggregation.parse("length-weighted")).isEqualTo(ChunkAggregation.LENGTH_WEIGHTED);
    assertThat(ChunkAggregation.parse(" Most-Negative ")).isEqualTo(ChunkAggregation.MOST_NEGATIVE);
    assertThatThrownBy(() -> ChunkAggregation.parse("max"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown chunk aggregation 'max'; allowed: mean, length-weighted, most-negative");
  }

  @Test
  void badInputsAreRejected() {
    assertThatThrownBy(() -> ChunkAggregation.MEAN.combine(List.of(), new int[0], 0))
        .hasMessageContaining("no chunk probabilities");
    assertThatThrownBy(() -> ChunkAggregation.MEAN.combine(CHUNKS, new int[] {1}, 0))
        .hasMessageContaining("3 chunk vectors but 1 content lengths");
    assertThatThrownBy(() -> ChunkAggregation.MOST_NEGATIVE.combine(CHUNKS, LENGTHS, 3))
        .hasMessageContaining("negativeIndex 3");
  }
}
