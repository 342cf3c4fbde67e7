package io.sentimentpipeline.udfs.model;

import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes float32 tensors as a {@code model.safetensors} file, the format Hugging Face tools and
 * {@link SafetensorsWeights} read, so a fine-tuned model leaves the pipeline in a portable form.
 */
public final class SafetensorsWriter {

  private SafetensorsWriter() {}

  /** The current values of DJL parameters, keyed by name. */
  public static Map<String, FloatTensor> snapshot(Map<String, Parameter> parameters) {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    parameters.forEach(
        (name, parameter) ->
            tensors.put(
                name,
                new FloatTensor(parameter.getArray().getShape().getShape(), parameter.getArray().toFloatArray())));
    return tensors;
  }

  /** Writes the tensors in map order; {@code prefix} is put before every name (e.g. {@code "bert."}). */
  public static void write(Map<String, FloatTensor> tensors, String prefix, OutputStream out) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode header = mapper.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (Map.Entry<String, FloatTensor> tensor : tensors.entrySet()) {
      ObjectNode entry = header.putObject(prefix + tensor.getKey());
      entry.put("dtype", "F32");
      ArrayNode shape = entry.putArray("shape");
      for (long dimension : tensor.getValue().shape()) {
        shape.add(dimension);
      }
      long bytes = 4L * tensor.getValue().data().length;
      entry.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = mapper.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
    out.write(json);
    for (FloatTensor tensor : tensors.values()) {
      ByteBuffer bytes = ByteBuffer.allocate(4 * tensor.data().length).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(tensor.data());
      out.write(bytes.array());
    }
  }
}
