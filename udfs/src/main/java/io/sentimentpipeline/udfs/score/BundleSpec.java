package io.sentimentpipeline.udfs.score;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentpipeline.udfs.model.Pooling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a model bundle holds and how to run it, in {@value #FILE}: the one description the trainer
 * writes and every reader (scoring, export, benchmark) reads, so inference settings never come
 * out of the training hyper-parameters. Also lists each payload file's SHA-256: a reader refuses a
 * file that does not match (the registry's digests cover {@value #FILE} itself).
 *
 * <p>Bundles written before this file existed are read through {@link #read} from their old
 * layout ({@code training-config.json}'s pooling and max-length, {@code labels.json}, {@code
 * calibration.json}) without being rewritten; only {@code pipeline models export-onnx} adds the
 * file to such a bundle.
 *
 * @param baseEncoder the pretrained encoder fine-tuned (bundled name, .onnx file or checkpoint folder)
 * @param onnxFp32 the fp32 ONNX file's name, or null when there is none
 * @param onnxInt8 the int8 ONNX file's name, or null
 * @param onnxNote why there is no ONNX file ("" when there is)
 * @param checksums SHA-256 of each payload file, by name
 */
public record BundleSpec(
    String baseEncoder,
    Pooling pooling,
    int maxLength,
    List<String> labels,
    double temperature,
    String inputKind,
    String onnxFp32,
    String onnxInt8,
    String onnxNote,
    SortedMap<String, String> checksums) {

  public static final String FILE = "bundle.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String MODEL_CONFIG = "config.json";
  public static final String LABELS = "labels.json";
  public static final String CALIBRATION = "calibration.json";
  public static final String TRAINING_CONFIG = "training-config.json";
  public static final String ONNX_FP32 = "model.onnx";
  public static final String ONNX_INT8 = "model.int8.onnx";
  public static final String TOKENIZER = "tokenizer.json";
  /** {@code inputKind}: the model reads one text. */
  public static final String DOCUMENT = "document";
  /** {@code inputKind}: the model reads {@code [CLS] text [SEP] entity [SEP]} (an entity model). */
  public static final String TEXT_PAIR = "text-pair";
  static final int FORMAT = 1;

  public BundleSpec {
    labels = List.copyOf(labels);
    checksums = new TreeMap<>(checksums);
    onnxNote = onnxNote == null ? "" : onnxNote;
    inputKind = inputKind == null ? DOCUMENT : inputKind;
    if (!inputKind.equals(DOCUMENT) && !inputKind.equals(TEXT_PAIR)) {
      throw new IllegalArgumentException("a model bundle's input must be " + DOCUMENT + " or " + TEXT_PAIR + ", got '" + inputKind + "'");
    }
    if (labels.size() < 2) {
      throw new IllegalArgumentException("a model bundle needs at least two labels, got " + labels);
    }
    if (maxLength < 3) {
      throw new IllegalArgumentException("a model bundle's max length must be at least 3, got " + maxLength);
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("a model bundle's temperature must be finite and > 0, got " + temperature);
    }
  }

  /** The same bundle with ONNX files (or the reason it has none), checksums of {@code files} added. */
  public BundleSpec withOnnx(String fp32, String int8, String note, Map<String, byte[]> added) {
    SortedMap<String, String> sums = new TreeMap<>(checksums);
    added.forEach((name, content) -> sums.put(name, sha256(content)));
    return new BundleSpec(baseEncoder, pooling, maxLength, labels, temperature, inputKind, fp32, int8, note, sums);
  }

  /** The checksums of {@code files} (all payload files; {@value #FILE} is never among them). */
  public static SortedMap<String, String> checksumsOf(Map<String, byte[]> files) {
    SortedMap<String, String> sums = new TreeMap<>();
    files.forEach(
        (name, content) -> {
          if (!name.equals(FILE)) {
            sums.put(name, sha256(content));
          }
        });
    return sums;
  }

  public byte[] toJson() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("format", FORMAT);
    root.put("base-encoder", baseEncoder);
    root.put("weights", WEIGHTS);
    root.put("model-config", MODEL_CONFIG);
    root.put("pooling", pooling.name().toLowerCase(Locale.ROOT));
    root.put("max-length", maxLength);
    root.set("labels", json.valueToTree(labels));
    root.put("temperature", temperature);
    root.put("input", inputKind);
    ObjectNode onnx = root.putObject("onnx");
    onnx.put("fp32", onnxFp32);
    onnx.put("int8", onnxInt8);
    onnx.put("note", onnxNote);
    root.set("checksums", json.valueToTree(checksums));
    try {
      return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The spec of a bundle's files: {@value #FILE}, its listed files checked against their
   * checksums; or, for a bundle without it, the old layout.
   *
   * @param bundle names the bundle in messages
   */
  public static BundleSpec read(Map<String, byte[]> files, String bundle) throws IOException {
    String where = " of model bundle " + bundle;
    if (!files.containsKey(FILE)) {
      return legacy(files, bundle);
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode root = json.readTree(files.get(FILE));
    int format = root.path("format").asInt(-1);
    if (format != FORMAT) {
      throw new IllegalArgumentException(FILE + where + " has format " + root.path("format") + "; this version reads " + FORMAT);
    }
    SortedMap<String, String> checksums = json.convertValue(root.path("checksums"), new TypeReference<TreeMap<String, String>>() {});
    if (checksums == null) {
      throw new IllegalArgumentException(FILE + where + " has no \"checksums\"");
    }
    checksums.forEach(
        (name, expected) -> {
          byte[] content = files.get(name);
          if (content == null) {
            throw new IllegalArgumentException(name + where + " is missing; " + FILE + " lists it");
          }
          String actual = sha256(content);
          if (!actual.equals(expected)) {
            throw new IllegalArgumentException(
                name + where + " does not match its checksum in " + FILE + " (sha256 " + actual + ", expected " + expected
                    + "): the file was changed after the bundle was written; restore it or export again");
          }
        });
    JsonNode onnx = root.path("onnx");
    String fp32 = text(onnx.path("fp32"));
    String int8 = text(onnx.path("int8"));
    for (String name : Arrays.asList(fp32, int8)) {
      if (name != null && !checksums.containsKey(name)) {
        throw new IllegalArgumentException(FILE + where + " names ONNX file " + name + " but has no checksum for it");
      }
    }
    return new BundleSpec(
        root.path("base-encoder").asText(""),
        pooling(root.path("pooling").asText(""), FILE + where),
        root.path("max-length").asInt(0),
        json.convertValue(root.path("labels"), new TypeReference<List<String>>() {}),
        root.path("temperature").asDouble(Double.NaN),
        text(root.path("input")),
        fp32,
        int8,
        onnx.path("note").asText(""),
        checksums);
  }

  /** A bundle from before {@value #FILE}: settings from the files that held them then. */
  private static BundleSpec legacy(Map<String, byte[]> files, String bundle) throws IOException {
    String where = " of model bundle " + bundle;
    ObjectMapper json = new ObjectMapper();
    List<String> labels = json.readValue(file(files, LABELS, bundle), new TypeReference<List<String>>() {});
    JsonNode training = json.readTree(file(files, TRAINING_CONFIG, bundle));
    double temperature =
        files.containsKey(CALIBRATION)
            ? json.readTree(files.get(CALIBRATION)).path("temperature").asDouble(Double.NaN)
            : 1.0;
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(CALIBRATION + where + " needs a finite \"temperature\" > 0, got " + temperature);
    }
    int maxLength = training.path("max-length").asInt(0);
    if (maxLength < 3) {
      throw new IllegalArgumentException(TRAINING_CONFIG + where + ": \"max-length\" must be at least 3, got " + training.path("max-length"));
    }
    return new BundleSpec(
        training.path("encoder-weights").asText(""),
        pooling(training.path("pooling").asText(""), TRAINING_CONFIG + where),
        maxLength,
        labels,
        temperature,
        DOCUMENT,
        null,
        null,
        "written before " + FILE + " (run `pipeline models export-onnx` to add ONNX files)",
        checksumsOf(files));
  }

  private static String text(JsonNode node) {
    return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
  }

  /** The content of file {@code name}, or an error naming the bundle and the files it has. */
  static byte[] file(Map<String, byte[]> files, String name, String bundle) {
    byte[] content = files.get(name);
    if (content == null) {
      throw new IllegalArgumentException(
          "model bundle " + bundle + " has no " + name + " (it has " + files.keySet().stream().sorted().toList() + ")");
    }
    return content;
  }

  private static Pooling pooling(String value, String where) {
    try {
      return Pooling.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + ": \"pooling\" must be one of "
              + Arrays.stream(Pooling.values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList()
              + ", got '" + value + "'",
          e);
    }
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
