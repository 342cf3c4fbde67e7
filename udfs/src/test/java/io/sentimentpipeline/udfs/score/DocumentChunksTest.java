package io.sentimentpipeline.udfs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentpipeline.udfs.score.DocumentChunks.Chunk;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DocumentChunksTest {

  private static final long CLS = 101;
  private static final long SEP = 102;

  /** [CLS] 1000 1001 … [SEP] with {@code content} content tokens. */
  private static long[] document(int content) {
    long[] ids = new long[content + 2];
    ids[0] = CLS;
    for (int i = 0; i < content; i++) {
      ids[i + 1] = 1000 + i;
    }
    ids[content + 1] = SEP;
    return ids;
  }

  @Test
  void aDocumentThatFitsIsOneChunkUnchanged() {
    long[] ids = document(8);
    List<Chunk> chunks = DocumentChunks.split(ids, 10, 3);
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).inputIds()).isSameAs(ids);
    assertThat(chunks.get(0).contentStart()).isZero();
    assertThat(chunks.get(0).contentLength()).isEqualTo(8);
    assertThat(DocumentChunks.split(new long[] {CLS, SEP}, 10, 3).get(0).contentLength()).isZero();
  }

  @Test
  void windowsAreWrappedFitAndOverlapByTheStride() {
    // content 20, window 8 content tokens, overlap 3 -> step 5: starts 0, 5, 10, 15 (15..20 ends it)
    List<Chunk> chunks = DocumentChunks.split(document(20), 10, 3);
    assertThat(chunks).extracting(Chunk::contentStart).containsExactly(0, 5, 10, 15);
    assertThat(DocumentChunks.contentLengths(chunks)).containsExactly(8, 8, 8, 5);
    for (Chunk chunk : chunks) {
      long[] ids = chunk.inputIds();
      assertThat(ids.length).isLessThanOrEqualTo(10).isEqualTo(chunk.contentLength() + 2);
      assertThat(ids[0]).isEqualTo(CLS);
      assertThat(ids[ids.length - 1]).isEqualTo(SEP);
      assertThat(Arrays.copyOfRange(ids, 1, ids.length - 1))
          .as("window content is the document's content from its start")
          .isEqualTo(Arrays.copyOfRange(document(20), 1 + chunk.contentStart(), 1 + chunk.contentStart() + chunk.contentLength()));
    }
    for (int i = 1; i < chunks.size(); i++) {
      Set<Long> previous = content(chunks.get(i - 1));
      previous.retainAll(content(chunks.get(i)));
      assertThat(previous).as("overlap of windows %d and %d", i - 1, i).hasSize(3);
    }
  }

  @Test
  void everyContentTokenIsCoveredForManyShapes() {
    for (int content = 0; content <= 40; content++) {
      for (int maxLength = 3; maxLength <= 12; maxLength++) {
        for (int overlap = 0; overlap < maxLength - 2; overlap++) {
          List<Chunk> chunks = DocumentChunks.split(document(content), maxLength, overlap);
          Set<Long> covered = new HashSet<>();
          chunks.forEach(chunk -> covered.addAll(content(chunk)));
          assertThat(covered).as("content %d max %d overlap %d", content, maxLength, overlap).hasSize(content);
          int window = maxLength;
          assertThat(chunks).allMatch(chunk -> chunk.inputIds().length <= window);
          assertThat(chunks.get(chunks.size() - 1).contentStart() + chunks.get(chunks.size() - 1).contentLength())
              .isEqualTo(content);
        }
      }
    }
  }

  @Test
  void noOverlapCutsAtExactWindowBoundaries() {
    List<Chunk> chunks = DocumentChunks.split(document(12), 6, 0);
    assertThat(chunks).extracting(Chunk::contentStart).containsExactly(0, 4, 8);
    assertThat(chunks.get(2).inputIds()).containsExactly(CLS, 1008, 1009, 1010, 1011, SEP);
  }

  @Test
  void badArgumentsAreRejectedWithAReason() {
    assertThatThrownBy(() -> DocumentChunks.split(document(20), 10, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap must be in 0..7");
    assertThatThrownBy(() -> DocumentChunks.split(document(20), 10, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap");
    assertThatThrownBy(() -> DocumentChunks.split(document(20), 2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLength must be at least 3");
    assertThatThrownBy(() -> DocumentChunks.split(new long[] {CLS}, 10, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[CLS]");
  }

  private static Set<Long> content(Chunk chunk) {
    Set<Long> ids = new HashSet<>();
    for (int i = 1; i < chunk.inputIds().length - 1; i++) {
      ids.add(chunk.inputIds()[i]);
    }
    return ids;
  }
}
