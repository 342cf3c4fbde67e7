package io.sentimentpipeline.udfs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.sentimentpipeline.udfs.model.Pooling;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whole documents: chunked, scored together, combined and mapped, on real DJL PyTorch. */
class DocumentScorerTest {

  private static final List<String> LABELS = List.of("negative", "neutral", "positive");

  @Test
  void longDocumentsAreScoredOnAllTheirChunks() throws Exception {
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        ScoringModel model =
            ScoringModel.load(
                ScoringFixtures.bundle(ScoringFixtures.classifier(manager, 31, Pooling.MEAN, 3), LABELS, null),
                "docs",
                Device.cpu(),
                1)) {
      List<long[]> documents = new ArrayList<>(ScoringFixtures.sequences(5, 9)); // all fit
      long[] longDocument = new long[130];
      longDocument[0] = 2;
      for (int t = 1; t < 129; t++) {
        longDocument[t] = 4 + (t * 7) % 60;
      }
      longDocument[129] = 3;
      documents.add(longDocument);

      List<SentimentScore> scores =
          new DocumentScorer(model, 8, ChunkAggregation.LENGTH_WEIGHTED, 0, 4).score(documents);
      assertThat(scores).hasSize(6);

      float[][] direct = model.probabilities(documents.subList(0, 5), 4);
      for (int i = 0; i < 5; i++) {
        assertThat(scores.get(i).pNegative()).as("short document %d", i).isCloseTo(direct[i][0], within(1e-6));
        assertThat(scores.get(i).pNeutral()).isCloseTo(direct[i][1], within(1e-6));
      }
      List<DocumentChunks.Chunk> chunks = DocumentChunks.split(longDocument, model.maxLength(), 8);
      assertThat(chunks).hasSizeGreaterThan(1);
      float[][] perChunk = model.probabilities(DocumentChunks.inputIds(chunks), 4);
      float[] expected =
          ChunkAggregation.LENGTH_WEIGHTED.combine(List.of(perChunk), DocumentChunks.contentLengths(chunks), 0);
      assertThat(scores.get(5).pPositive()).isCloseTo(expected[2], within(1e-6));
      assertThat(scores.get(5).score()).isCloseTo(expected[2] - expected[0], within(1e-6));

      assertThatThrownBy(() -> new DocumentScorer(model, 46, ChunkAggregation.MEAN, 0, 4))
          .hasMessageContaining("overlap must be in 0..45");
    }
  }
}
