package io.sentimentpipeline.udfs.train;

import java.io.Serializable;
import java.util.List;

/**
 * The epochs of one training run and which one was kept (best validation macro-F1; its weights
 * are in the model when {@code fit} returns).
 */
public record TrainingHistory(List<EpochResult> epochs, int bestEpoch, long steps, boolean stoppedEarly)
    implements Serializable {

  public TrainingHistory {
    epochs = List.copyOf(epochs);
  }

  public EpochResult best() {
    return epochs.stream().filter(e -> e.epoch() == bestEpoch).findFirst().orElseThrow();
  }
}
