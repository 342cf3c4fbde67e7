package io.sentimentpipeline.udfs.score;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@link ScoringModel} per executor JVM per (bundle checksum, device, engine and precision
 * asked for), loaded on first use
 * (DJL's Spark extension, which would do this, is not available here). All Spark tasks of an
 * executor then share the weights instead of each loading its own copy; concurrent first callers
 * of a key wait for its single load, while other keys load independently. A failed load is not
 * remembered: the next caller tries again. Models are closed by a JVM shutdown hook.
 */
public final class ExecutorModelCache {

  /** Reads a bundle's files, verified against its checksums (the jobs module reads them through Hadoop). */
  @FunctionalInterface
  public interface BundleReader {
    Map<String, byte[]> read() throws IOException;
  }

  private record Key(String bundleChecksum, Device device, ScoringOptions.Engine engine, ScoringOptions.Precision precision) {}

  /** Holds one key's model; its lock makes concurrent first callers wait for one load. */
  private static final class Slot {
    private ScoringModel model;

    synchronized ScoringModel get(Key key, ScoringOptions options, BundleReader reader) {
      if (model == null) {
        try {
          model = ScoringModel.load(reader.read(), key.bundleChecksum(), key.device(), options);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read model bundle " + key.bundleChecksum(), e);
        }
        LOADS.incrementAndGet();
        LOADS_BY_BUNDLE.computeIfAbsent(key.bundleChecksum(), k -> new AtomicLong()).incrementAndGet();
      }
      return model;
    }

    synchronized void close() {
      if (model != null) {
        model.close();
        model = null;
      }
    }
  }

  private static final Map<Key, Slot> SLOTS = new ConcurrentHashMap<>();
  private static final AtomicLong LOADS = new AtomicLong();
  private static final Map<String, AtomicLong> LOADS_BY_BUNDLE = new ConcurrentHashMap<>();
  private static final AtomicBoolean HOOK_REGISTERED = new AtomicBoolean();

  private ExecutorModelCache() {}

  /**
   * The model of bundle {@code bundleChecksum} on {@code device}, loaded through {@code reader} if
   * this JVM does not hold it yet. The caller must not close it.
   *
   * @param predictors size of the predictor pool when this call loads the model (e.g. the
   *     executor's cores); ignored when the model is already loaded
   */
  public static ScoringModel get(
      String bundleChecksum, Device device, int predictors, BundleReader reader) {
    return get(bundleChecksum, device, ScoringOptions.pytorch(predictors), reader);
  }

  /**
   * The model of bundle {@code bundleChecksum} on {@code device} with the engine {@code options}
   * ask for (one ONNX Runtime session or one PyTorch model per JVM), loaded through {@code reader}
   * if this JVM does not hold it yet; the predictor and thread counts of the first call win.
   */
  public static ScoringModel get(
      String bundleChecksum, Device device, ScoringOptions options, BundleReader reader) {
    if (HOOK_REGISTERED.compareAndSet(false, true)) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(ExecutorModelCache::closeAll, "executor-model-cache-close"));
    }
    Key key = new Key(bundleChecksum, device, options.engine(), options.precision());
    return SLOTS.computeIfAbsent(key, k -> new Slot()).get(key, options, reader);
  }

  /** Models loaded in this JVM so far: for logs, metrics and tests. */
  public static long loads() {
    return LOADS.get();
  }

  /** Loads of one bundle in this JVM so far (over all devices): 1 when the cache does its job. */
  public static long loads(String bundleChecksum) {
    AtomicLong loads = LOADS_BY_BUNDLE.get(bundleChecksum);
    return loads == null ? 0 : loads.get();
  }

  /** Closes every model and resets the load counter; tests only (models in use would fail). */
  public static void clearForTests() {
    closeAll();
    LOADS.set(0);
    LOADS_BY_BUNDLE.clear();
  }

  private static void closeAll() {
    List<Slot> slots = new ArrayList<>(SLOTS.values());
    SLOTS.clear();
    for (Slot slot : slots) {
      slot.close();
    }
  }
}
