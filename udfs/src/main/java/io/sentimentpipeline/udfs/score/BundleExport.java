package io.sentimentpipeline.udfs.score;

import io.sentimentpipeline.udfs.model.BundledEncoder;
import io.sentimentpipeline.udfs.model.OnnxExport;
import io.sentimentpipeline.udfs.model.SafetensorsWeights;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds {@value BundleSpec#ONNX_FP32} and {@value BundleSpec#ONNX_INT8} to a bundle's files (see
 * {@link OnnxExport}), at training time and for older bundles through {@code pipeline models
 * export-onnx}. A bundle whose base encoder has no ONNX graph (a Hugging Face checkpoint folder)
 * gets none; the spec records why and scoring stays on PyTorch.
 */
public final class BundleExport {

  private static final Logger LOG = LoggerFactory.getLogger(BundleExport.class);

  /** The new files (none when not exportable) and the spec that lists them. */
  public record Result(Map<String, byte[]> files, BundleSpec spec) {}

  private BundleExport() {}

  /**
   * The ONNX files of the bundle {@code files} (model.safetensors and the spec's pooling and
   * temperature) and its spec updated with them; {@code bundle} names it in messages and logs.
   */
  public static Result export(Map<String, byte[]> files, BundleSpec spec, String bundle) throws IOException {
    String where = " of model bundle " + bundle;
    byte[] base;
    try {
      base = baseOnnx(spec.baseEncoder());
    } catch (OnnxExport.NotExportable e) {
      LOG.warn("No ONNX export{}: {}; it scores with PyTorch", where, e.getMessage());
      return new Result(Map.of(), spec.withOnnx(null, null, e.getMessage(), Map.of()));
    }
    SafetensorsWeights weights =
        SafetensorsWeights.read(BundleSpec.file(files, BundleSpec.WEIGHTS, bundle), BundleSpec.WEIGHTS + where);
    byte[] fp32;
    try {
      fp32 = OnnxExport.fp32(ByteBuffer.wrap(base), "base encoder " + spec.baseEncoder(), weights, spec.pooling(), spec.temperature());
    } catch (OnnxExport.NotExportable e) {
      LOG.warn("No ONNX export{}: {}; it scores with PyTorch", where, e.getMessage());
      return new Result(Map.of(), spec.withOnnx(null, null, e.getMessage(), Map.of()));
    }
    Map<String, byte[]> added = new LinkedHashMap<>();
    added.put(BundleSpec.ONNX_FP32, fp32);
    added.put(BundleSpec.ONNX_INT8, OnnxExport.int8(fp32));
    LOG.info("Exported model bundle {} to {} ({} bytes) and {} ({} bytes)", bundle, BundleSpec.ONNX_FP32, fp32.length,
        BundleSpec.ONNX_INT8, added.get(BundleSpec.ONNX_INT8).length);
    return new Result(added, spec.withOnnx(BundleSpec.ONNX_FP32, BundleSpec.ONNX_INT8, "", added));
  }

  /** The base encoder's .onnx: a bundled encoder's resource or an .onnx file; otherwise not exportable. */
  private static byte[] baseOnnx(String baseEncoder) throws IOException {
    if (BundledEncoder.isBundled(baseEncoder)) {
      try (InputStream in = BundledEncoder.byName(baseEncoder).openOnnx()) {
        return in.readAllBytes();
      }
    }
    if (baseEncoder.endsWith(".onnx") && Files.isRegularFile(Path.of(baseEncoder))) {
      return Files.readAllBytes(Path.of(baseEncoder));
    }
    throw new OnnxExport.NotExportable(
        baseEncoder.isEmpty()
            ? "the bundle does not name its base encoder"
            : "base encoder '" + baseEncoder + "' has no ONNX graph (not a bundled encoder or an .onnx file)");
  }
}
