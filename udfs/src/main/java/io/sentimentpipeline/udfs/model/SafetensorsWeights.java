package io.sentimentpipeline.udfs.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of a Hugging Face checkpoint's {@code model.safetensors}: an 8-byte little-endian
 * header length, a JSON header ({@code name -> dtype, shape, data_offsets}) and the raw data.
 * F32, F16 and BF16 tensors are delivered as float32. Names lose a leading {@code bert.} (a
 * BertForSequenceClassification checkpoint) and old-style LayerNorm {@code gamma}/{@code beta}
 * become {@code weight}/{@code bias}; Linear weights are already [out, in] there.
 */
public final class SafetensorsWeights implements WeightSource {

  private record Entry(String fileName, String dtype, long[] shape, int begin, int end) {}

  private final String source;
  private final ByteBuffer data;
  private final Map<String, Entry> entries;

  private SafetensorsWeights(String source, ByteBuffer data, Map<String, Entry> entries) {
    this.source = source;
    this.data = data;
    this.entries = entries;
  }

  /** Reads the header of a .safetensors file and maps its data (up to 2 GiB). */
  public static SafetensorsWeights read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE) {
        throw new IOException(file + " is over 2 GiB; sharded or larger checkpoints are not supported");
      }
      return parse(channel.map(FileChannel.MapMode.READ_ONLY, 0, size), file.toString());
    }
  }

  /**
   * Reads safetensors content already in memory (e.g. a model bundle read and checksum-verified
   * through Hadoop's file system); {@code source} names it in messages. The array is not copied.
   */
  public static SafetensorsWeights read(byte[] content, String source) throws IOException {
    return parse(ByteBuffer.wrap(content), source);
  }

  private static SafetensorsWeights parse(ByteBuffer buffer, String source) throws IOException {
    ByteBuffer all = buffer.order(ByteOrder.LITTLE_ENDIAN);
    long size = all.limit();
    if (size < 8) {
      throw new IOException(source + " is too short to be a safetensors file");
    }
    long headerLength = all.getLong(0);
    if (headerLength <= 0 || 8 + headerLength > size) {
      throw new IOException(source + " has a bad safetensors header length " + headerLength);
    }
    byte[] headerBytes = new byte[(int) headerLength];
    all.get(8, headerBytes);
    JsonNode header = new ObjectMapper().readTree(new String(headerBytes, StandardCharsets.UTF_8));
    ByteBuffer data = all.slice(8 + (int) headerLength, (int) (size - 8 - headerLength));
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals("__metadata__")) {
        continue;
      }
      JsonNode value = field.getValue();
      long[] shape = new long[value.path("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = value.path("shape").get(i).asLong();
      }
      JsonNode offsets = value.path("data_offsets");
      int begin = Math.toIntExact(offsets.path(0).asLong());
      int end = Math.toIntExact(offsets.path(1).asLong());
      if (begin < 0 || end < begin || end > data.limit()) {
        throw new IOException(source + ": tensor '" + field.getKey() + "' has bad data_offsets");
      }
      Entry entry = new Entry(field.getKey(), value.path("dtype").asText(), shape, begin, end);
      entries.put(huggingFaceName(field.getKey()), entry);
    }
    return new SafetensorsWeights(source, data, entries);
  }

  @Override
  public String description() {
    return "safetensors file " + source;
  }

  @Override
  public Map<String, long[]> shapes() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    entries.forEach(
        (name, entry) -> {
          if (bytesPerValue(entry.dtype) > 0) {
            shapes.put(name, entry.shape);
          }
        });
    return shapes;
  }

  @Override
  public FloatTensor tensor(String name) {
    Entry entry = entries.get(name);
    if (entry == null) {
      throw new IllegalArgumentException("tensor '" + name + "' is missing from " + description());
    }
    int width = bytesPerValue(entry.dtype);
    if (width == 0) {
      throw new IllegalArgumentException(
          "tensor '" + entry.fileName + "' in " + description() + " has dtype " + entry.dtype
              + "; only F32, F16 and BF16 are supported");
    }
    long count = 1;
    for (long d : entry.shape) {
      count *= d;
    }
    if (count * width != entry.end - entry.begin) {
      throw new IllegalArgumentException(
          "tensor '" + entry.fileName + "' in " + description() + " has "
              + (entry.end - entry.begin) + " bytes, its shape needs " + count * width);
    }
    ByteBuffer bytes = data.slice(entry.begin, entry.end - entry.begin).order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[(int) count];
    switch (entry.dtype) {
      case "F32" -> bytes.asFloatBuffer().get(values);
      case "F16" -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = halfToFloat(bytes.getShort(2 * i));
        }
      }
      default -> { // BF16: the top 16 bits of a float32
        for (int i = 0; i < values.length; i++) {
          values[i] = Float.intBitsToFloat((bytes.getShort(2 * i) & 0xffff) << 16);
        }
      }
    }
    return new FloatTensor(entry.shape.clone(), values);
  }

  private static int bytesPerValue(String dtype) {
    return switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      default -> 0;
    };
  }

  static String huggingFaceName(String name) {
    String n = name.startsWith("bert.") ? name.substring("bert.".length()) : name;
    if (n.contains("LayerNorm.")) {
      n = n.replaceFirst("LayerNorm\\.gamma$", "LayerNorm.weight")
          .replaceFirst("LayerNorm\\.beta$", "LayerNorm.bias");
    }
    return n;
  }

  /** IEEE 754 half precision to float (Float.float16ToFloat arrives only in Java 20). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) { // inf or NaN
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      float subnormal = mantissa / 1024f / 16384f; // mantissa * 2^-24
      return sign == 0 ? subnormal : -subnormal;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
