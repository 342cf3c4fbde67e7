package io.sentimentpipeline.udfs.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SmoothingTest {

  @Test
  void alphaSplitsEachChannelsRangeBetweenActivationAndWeight() {
    float[] activations = {16f, 1f, 0.25f, 100f};
    float[] weights = {1f, 1f, 4f, 0.01f};
    assertThat(new OnnxExport.Smoothing(Map.of(), 0.5).factors(activations, weights))
        .containsExactly(new float[] {4f, 1f, 0.25f, 100f}, Offset.offset(1e-5f));
    // alpha 1 moves the whole activation range into the weights; alpha 0 divides by the weights' range
    assertThat(new OnnxExport.Smoothing(Map.of(), 1).factors(activations, weights))
        .containsExactly(new float[] {16f, 1f, 0.25f, 100f}, Offset.offset(1e-5f));
    assertThat(new OnnxExport.Smoothing(Map.of(), 0).factors(activations, weights))
        .containsExactly(new float[] {1f, 1f, 0.25f, 100f}, Offset.offset(1e-4f));
  }

  @Test
  void deadChannelsKeepFactorOneAndExtremesAreBounded() {
    float[] s = new OnnxExport.Smoothing(Map.of(), 0.5).factors(new float[] {0f, 5f, 1e12f, 1e-12f}, new float[] {3f, 0f, 1e-12f, 1e12f});
    assertThat(s[0]).isEqualTo(1f);
    assertThat(s[1]).isEqualTo(1f);
    assertThat(s[2]).isEqualTo(1e4f);
    assertThat(s[3]).isEqualTo(1e-4f);
  }

  @Test
  void alphaOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> new OnnxExport.Smoothing(Map.of(), 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alpha must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> new OnnxExport.Smoothing(Map.of(), Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
