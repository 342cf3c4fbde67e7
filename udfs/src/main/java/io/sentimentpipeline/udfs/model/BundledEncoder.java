package io.sentimentpipeline.udfs.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The pretrained encoders shipped inside the langchain4j jars on the classpath (ONNX exports of
 * Hugging Face checkpoints plus their tokenizer.json). Both are 384 wide with 12 heads of 32, which
 * the ONNX weights alone cannot tell, so the head count is recorded here.
 */
public enum BundledEncoder {
  ALL_MINILM_L6_V2("all-minilm-l6-v2", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", 12),
  BGE_SMALL_EN_V15(
      "bge-small-en-v15", "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", 12);

  private final String encoderName;
  private final String onnxResource;
  private final String tokenizerResource;
  private final int numHeads;

  BundledEncoder(String encoderName, String onnxResource, String tokenizerResource, int numHeads) {
    this.encoderName = encoderName;
    this.onnxResource = onnxResource;
    this.tokenizerResource = tokenizerResource;
    this.numHeads = numHeads;
  }

  /** The name used in configuration, e.g. {@code all-minilm-l6-v2}. */
  public String encoderName() {
    return encoderName;
  }

  public String onnxResource() {
    return onnxResource;
  }

  public String tokenizerResource() {
    return tokenizerResource;
  }

  public int numHeads() {
    return numHeads;
  }

  /** The bundled encoder of that name (case-insensitive; {@code bge-small-en-v1.5} also accepted). */
  public static BundledEncoder byName(String name) {
    String wanted = name.toLowerCase(Locale.ROOT).replace("v1.5", "v15");
    for (BundledEncoder encoder : values()) {
      if (encoder.encoderName.equals(wanted)) {
        return encoder;
      }
    }
    throw new IllegalArgumentException(
        "no bundled encoder named '" + name + "'; bundled: "
            + Arrays.stream(values()).map(BundledEncoder::encoderName).collect(Collectors.joining(", ")));
  }

  /** True if {@code name} names a bundled encoder. */
  public static boolean isBundled(String name) {
    try {
      byName(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Opens the .onnx resource; the caller closes it. */
  public InputStream openOnnx() throws IOException {
    return open(onnxResource);
  }

  /** Opens the tokenizer.json resource; the caller closes it. */
  public InputStream openTokenizer() throws IOException {
    return open(tokenizerResource);
  }

  /**
   * The .onnx as a file in {@code directory} (for APIs that need a path, e.g. ONNX Runtime), copied
   * there once and reused when a file of the same size is already present.
   */
  public Path onnxFile(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path target = directory.resolve(onnxResource);
    if (Files.isRegularFile(target) && Files.size(target) == resourceSize()) {
      return target;
    }
    Path partial = Files.createTempFile(directory, onnxResource, ".part");
    try (InputStream in = openOnnx()) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
    }
    return Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private long resourceSize() throws IOException {
    var url = BundledEncoder.class.getClassLoader().getResource(onnxResource);
    if (url == null) {
      throw missing(onnxResource);
    }
    return url.openConnection().getContentLengthLong();
  }

  private InputStream open(String resource) throws IOException {
    InputStream in = BundledEncoder.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw missing(resource);
    }
    return in;
  }

  private IOException missing(String resource) {
    return new IOException(
        "resource '" + resource + "' of bundled encoder '" + encoderName
            + "' is not on the classpath (is the langchain4j embeddings jar a dependency?)");
  }
}
