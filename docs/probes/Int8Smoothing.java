import io.sentimentpipeline.udfs.model.OnnxExport;
import io.sentimentpipeline.udfs.score.Int8Calibration;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes int8 variants of a bundle's fp32 model.onnx: plain dynamic int8 (no smoothing) and the
 * export's smoothing at each given alpha, calibrated on the export's own texts ({@link
 * Int8Calibration}). Compare them with Int8Agreement.java (BENCHMARKS.md, "int8: smoothing").
 *
 * <p>Run from the repository root: {@code java -cp "$(cat jobs/target/launcher-classpath.txt)"
 * docs/probes/Int8Smoothing.java BUNDLE_DIR MAX_LENGTH OUT_PREFIX ALPHA [ALPHA ...]}; writes
 * OUT_PREFIX-plain.onnx and OUT_PREFIX-a&lt;alpha&gt;.onnx.
 */
public class Int8Smoothing {

  public static void main(String[] args) throws Exception {
    Path bundle = Path.of(args[0]);
    byte[] fp32 = Files.readAllBytes(bundle.resolve("model.onnx"));
    OnnxExport.Smoothing calibrated;
    try (InputStream tokenizer = Files.newInputStream(bundle.resolve("tokenizer.json"))) {
      calibrated = Int8Calibration.smoothing(fp32, tokenizer, Integer.parseInt(args[1]));
    }
    Files.write(Path.of(args[2] + "-plain.onnx"), OnnxExport.int8(fp32));
    for (int i = 3; i < args.length; i++) {
      double alpha = Double.parseDouble(args[i]);
      Files.write(Path.of(args[2] + "-a" + args[i] + ".onnx"), OnnxExport.int8(fp32, new OnnxExport.Smoothing(calibrated.inputMaxima(), alpha)));
      System.out.println("wrote " + args[2] + "-a" + args[i] + ".onnx");
    }
    calibrated.inputMaxima().forEach((name, max) -> {
      float[] sorted = max.clone();
      java.util.Arrays.sort(sorted);
      System.out.printf("%-70s channels %4d  median %.3g  max %.3g  ratio %.1f%n", name, max.length, sorted[max.length / 2],
          sorted[max.length - 1], sorted[max.length - 1] / sorted[max.length / 2]);
    });
  }
}
