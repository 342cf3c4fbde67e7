package io.sentimentpipeline.udfs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.sentimentpipeline.udfs.model.Pooling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Many task threads, one load per bundle and device, real DJL PyTorch. */
class ExecutorModelCacheTest {

  private static final List<String> LABELS = List.of("negative", "neutral", "positive");
  private static Map<String, byte[]> bundle;

  @BeforeAll
  static void writeBundle() throws IOException {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      bundle = ScoringFixtures.bundle(ScoringFixtures.classifier(manager, 21, Pooling.MEAN, 3), LABELS, null);
    }
  }

  @AfterEach
  void clear() {
    ExecutorModelCache.clearForTests();
  }

  @Test
  void eightThreadsShareOneLoadAndAnotherChecksumLoadsAgain() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    ExecutorModelCache.BundleReader reader =
        () -> {
          reads.incrementAndGet();
          return bundle;
        };
    List<long[]> inputs = ScoringFixtures.sequences(6, 3);
    float[][] expected;
    try (ScoringModel reference = ScoringModel.load(bundle, "reference", Device.cpu(), 1)) {
      expected = reference.probabilities(inputs, 4);
    }

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<ScoringModel>>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        tasks.add(
            pool.submit(
                () -> {
                  start.await();
                  List<ScoringModel> seen = new ArrayList<>();
                  for (int call = 0; call < 25; call++) {
                    ScoringModel model = ExecutorModelCache.get("sum-1", Device.cpu(), 3, reader);
                    float[][] actual = model.probabilities(inputs, 4);
                    for (int i = 0; i < inputs.size(); i++) {
                      assertThat(actual[i]).containsExactly(expected[i]);
                    }
                    seen.add(model);
                  }
                  return seen;
                }));
      }
      start.countDown();
      List<ScoringModel> all = new ArrayList<>();
      for (Future<List<ScoringModel>> task : tasks) {
        all.addAll(task.get(5, TimeUnit.MINUTES));
      }
      assertThat(all).hasSize(200);
      assertThat(all).as("every call got the same instance").allMatch(model -> model == all.get(0));
      assertThat(ExecutorModelCache.loads()).as("loads after 200 calls with one key").isEqualTo(1);
      assertThat(reads.get()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }

    ScoringModel other = ExecutorModelCache.get("sum-2", Device.cpu(), 1, reader);
    assertThat(ExecutorModelCache.loads()).as("a second bundle checksum").isEqualTo(2);
    assertThat(other.bundleChecksum()).isEqualTo("sum-2");
    assertThat(ExecutorModelCache.get("sum-1", Device.cpu(), 1, reader).bundleChecksum()).isEqualTo("sum-1");
    assertThat(ExecutorModelCache.loads()).isEqualTo(2);
    assertThat(ExecutorModelCache.loads("sum-1")).as("per bundle").isEqualTo(1);
    assertThat(ExecutorModelCache.loads("sum-2")).isEqualTo(1);
    assertThat(ExecutorModelCache.loads("never-loaded")).isZero();
  }

  @Test
  void aFailedLoadIsNotRememberedAndClearingClosesTheModels() {
    assertThatThrownBy(
            () ->
                ExecutorModelCache.get(
                    "sum-3", Device.cpu(), 1, () -> {
                      throw new IOException("checksum mismatch in model.safetensors");
                    }))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot read model bundle sum-3")
        .hasRootCauseMessage("checksum mismatch in model.safetensors");
    assertThat(ExecutorModelCache.loads()).isZero();

    ScoringModel model = ExecutorModelCache.get("sum-3", Device.cpu(), 1, () -> bundle);
    assertThat(ExecutorModelCache.loads()).isEqualTo(1);
    ExecutorModelCache.clearForTests();
    assertThat(ExecutorModelCache.loads()).isZero();
    assertThatThrownBy(() -> model.probabilities(ScoringFixtures.sequences(1, 1), 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
