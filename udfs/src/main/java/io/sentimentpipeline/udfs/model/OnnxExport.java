package io.sentimentpipeline.udfs.model;

import io.sentimentpipeline.udfs.model.OnnxWeights.Node;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes a fine-tuned classifier as one ONNX model that ONNX Runtime scores alone: the base
 * encoder's own graph (the one {@link EncoderImporter} read the pretrained weights from) with the
 * fine-tuned weights written back by initializer name (the importer's mapping, inverted), then
 * pooling, the classification head, the calibration temperature and the softmax as graph nodes.
 * Inputs {@code input_ids}, {@code attention_mask}, {@code token_type_ids} (int64 [batch,
 * sequence]); output {@value #PROBABILITIES} (float [batch, labels]).
 *
 * <p>{@link #int8} quantizes that graph's Linear weights to int8, per output channel, symmetric, as
 * ORT's com.microsoft {@code DynamicQuantizeMatMul}: activations are quantized to uint8 per batch
 * inside the op and the u8 x s8 product runs in MLAS's integer GEMM, which picks its AVX-512 VNNI
 * or AMX kernel from the CPU's flags. That is the very kernel ORT's optimizer fuses {@code quantize_dynamic}'s
 * DynamicQuantizeLinear + MatMulInteger + Mul pattern into, written directly so no fusion has to
 * happen at load time; QDQ would also end there but adds nodes for nothing. The head stays float.
 */
public final class OnnxExport {

  /** The output: class probabilities, softmax(logits / T). */
  public static final String PROBABILITIES = "probabilities";

  static final String HEAD_WEIGHT = "classifier.weight";
  static final String HEAD_BIAS = "classifier.bias";
  private static final String P = "sentiment/";
  private static final List<String> ID_INPUTS = List.of("input_ids", "attention_mask", "token_type_ids");
  private static final int FLOAT = 1;
  private static final int INT8 = 3;
  private static final int INT64 = 7;
  private static final int ATTR_INT = 2;

  /** A bundle whose model cannot be written as ONNX; the message says why (scoring stays on PyTorch). */
  public static final class NotExportable extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public NotExportable(String message) {
      super(message);
    }
  }


  private OnnxExport() {}

  /**
   * The fp32 model.
   *
   * @param baseModel the base encoder's .onnx bytes
   * @param baseDescription names the base in messages
   * @param fineTuned the bundle's weights: encoder tensors by Hugging Face name plus {@code
   *     classifier.weight} [labels, hidden] and {@code classifier.bias}
   */
  public static byte[] fp32(
      ByteBuffer baseModel, String baseDescription, WeightSource fineTuned, Pooling pooling, double temperature) {
    OnnxWeights base = OnnxWeights.parse(baseModel, baseDescription);
    if (!base.inputNames().containsAll(List.of("input_ids", "attention_mask")) || base.outputNames().isEmpty()) {
      throw new NotExportable(
          baseDescription + " has inputs " + base.inputNames() + " and outputs " + base.outputNames()
              + "; a BERT encoder graph with input_ids, attention_mask and a hidden-state output is needed");
    }
    Map<String, FloatTensor> replacements = replacements(base, baseDescription, fineTuned);
    FloatTensor weight = fineTuned.tensor(HEAD_WEIGHT);
    FloatTensor bias = fineTuned.tensor(HEAD_BIAS);
    int labels = Math.toIntExact(weight.shape()[0]);
    String hidden = base.outputNames().get(0);
    return rewriteModel(
        baseModel,
        List.of(),
        graph -> {
          ProtoReader r = new ProtoReader(graph);
          ProtoWriter w = new ProtoWriter(graph.remaining() + (1 << 20));
          while (r.hasNext()) {
            int field = r.nextField();
            if (field == 5) {
              String name = tensorName(r.readBytes());
              FloatTensor replacement = replacements.get(name);
              if (replacement != null) {
                w.message(5, tensor(name, replacement.shape(), FLOAT, floatBytes(replacement.data())));
              } else {
                w.raw(r.rawField());
              }
            } else if (field == 11) {
              String name = valueInfoName(r.readBytes());
              if (ID_INPUTS.contains(name)) {
                w.message(11, valueInfo(name, INT64, "batch", "sequence"));
              } else {
                w.raw(r.rawField());
              }
            } else if (field == 12) {
              r.skip(); // the encoder's outputs give way to the probabilities
            } else {
              r.skip();
              w.raw(r.rawField());
            }
          }
          appendHead(w, hidden, pooling, weight.transpose2d(), bias, temperature);
          w.message(12, valueInfo(PROBABILITIES, FLOAT, "batch", labels));
          return w.toByteArray();
        });
  }

  /** The int8 model of an {@link #fp32} model (see the class comment for the scheme). */
  public static byte[] int8(byte[] fp32Model) {
    ByteBuffer model = ByteBuffer.wrap(fp32Model);
    OnnxWeights weights = OnnxWeights.parse(model, "exported model");
    return rewriteModel(
        model,
        List.of(new ProtoWriter().string(1, "com.microsoft").varint(2, 1)),
        graph -> {
          List<Node> nodes = new ArrayList<>();
          ProtoReader scan = new ProtoReader(graph);
          while (scan.hasNext()) {
            if (scan.nextField() == 1) {
              nodes.add(Node.parse(scan.readBytes()));
            } else {
              scan.skip();
            }
          }
          Set<String> quantized = quantizable(nodes, weights);
          ProtoReader r = new ProtoReader(graph);
          ProtoWriter w = new ProtoWriter(graph.remaining() / 3);
          while (r.hasNext()) {
            int field = r.nextField();
            if (field == 1) {
              Node node = Node.parse(r.readBytes());
              if (node.opType().equals("MatMul") && quantized.contains(node.inputs().get(1))) {
                String b = node.inputs().get(1);
                w.message(1, node(node.name(), "DynamicQuantizeMatMul", "com.microsoft",
                    List.of(node.inputs().get(0), b, b + "_scale"), node.outputs(), null));
              } else {
                w.raw(r.rawField());
              }
            } else if (field == 5) {
              String name = tensorName(r.readBytes());
              if (quantized.contains(name)) {
                OnnxWeights.Initializer init = weights.initializer(name);
                quantize(w, name, init.dims(), weights.floats(init));
              } else {
                w.raw(r.rawField());
              }
            } else {
              r.skip();
              w.raw(r.rawField());
            }
          }
          return w.toByteArray();
        });
  }

  /** Linear weights (2-D float initializers read only by MatMuls as B), the head excepted. */
  private static Set<String> quantizable(List<Node> nodes, OnnxWeights weights) {
    Map<String, Integer> uses = new HashMap<>();
    Map<String, Integer> matMulUses = new HashMap<>();
    for (Node node : nodes) {
      node.inputs().forEach(input -> uses.merge(input, 1, Integer::sum));
      if (node.opType().equals("MatMul") && node.inputs().size() == 2) {
        matMulUses.merge(node.inputs().get(1), 1, Integer::sum);
      }
    }
    Set<String> out = new HashSet<>();
    matMulUses.forEach(
        (name, count) -> {
          OnnxWeights.Initializer init = weights.initializer(name);
          if (init != null && init.dataType() == FLOAT && init.dims().length == 2
              && !name.equals(HEAD_WEIGHT) && count.equals(uses.get(name))) {
            out.add(name);
          }
        });
    return out;
  }

  /** Per-column symmetric int8: scale[n] = max |B[:, n]| / 127, q = round(B / scale). */
  private static void quantize(ProtoWriter w, String name, long[] dims, float[] b) {
    int rows = Math.toIntExact(dims[0]);
    int cols = Math.toIntExact(dims[1]);
    float[] scale = new float[cols];
    for (int k = 0; k < rows; k++) {
      for (int n = 0; n < cols; n++) {
        scale[n] = Math.max(scale[n], Math.abs(b[k * cols + n]));
      }
    }
    for (int n = 0; n < cols; n++) {
      scale[n] = scale[n] > 0 ? scale[n] / 127f : 1f;
    }
    byte[] q = new byte[rows * cols];
    for (int k = 0; k < rows; k++) {
      for (int n = 0; n < cols; n++) {
        q[k * cols + n] = (byte) Math.max(-127, Math.min(127, Math.round(b[k * cols + n] / scale[n])));
      }
    }
    w.message(5, tensor(name, dims, INT8, q));
    w.message(5, tensor(name + "_scale", new long[] {cols}, FLOAT, floatBytes(scale)));
  }

  /** Fine-tuned tensors in the ONNX layout, by the base graph's initializer names. */
  private static Map<String, FloatTensor> replacements(OnnxWeights base, String baseDescription, WeightSource fineTuned) {
    Map<String, String> linear = base.linearWeightInitializers();
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (String name : fineTuned.shapes().keySet()) {
      if (name.startsWith("classifier.")) {
        continue;
      }
      String initName;
      FloatTensor tensor = fineTuned.tensor(name);
      if (linear.containsKey(name)) {
        initName = linear.get(name);
        tensor = tensor.transpose2d();
      } else {
        OnnxWeights.Initializer init = base.plainInitializer(name);
        if (init == null) {
          throw new NotExportable(
              baseDescription + " has no initializer for the fine-tuned tensor '" + name
                  + "' (is it the encoder this model was fine-tuned from?)");
        }
        initName = init.name();
      }
      long[] dims = base.initializer(initName).dims();
      if (!Arrays.equals(dims, tensor.shape())) {
        throw new NotExportable(
            "fine-tuned tensor '" + name + "' has shape " + Arrays.toString(tensor.shape()) + " but initializer '"
                + initName + "' of " + baseDescription + " has " + Arrays.toString(dims));
      }
      out.put(initName, tensor);
    }
    if (out.isEmpty()) {
      throw new NotExportable("the fine-tuned weights hold no encoder tensor");
    }
    return out;
  }

  /** Pooling, head, temperature and softmax after {@code hidden} [B, T, H]. */
  private static void appendHead(
      ProtoWriter w, String hidden, Pooling pooling, FloatTensor weightT, FloatTensor bias, double temperature) {
    String pooled = P + "pooled";
    if (pooling == Pooling.CLS) {
      w.message(5, tensor(P + "cls_index", new long[0], INT64, longBytes(0)));
      w.message(1, node(P + "cls", "Gather", "", List.of(hidden, P + "cls_index"), List.of(pooled), intAttr("axis", 1)));
    } else {
      // sum_t mask[b,t] h[b,t,:] / max(sum_t mask[b,t], 1e-9), as two batched MatMuls (opset-independent).
      w.message(5, tensor(P + "row_shape", new long[] {3}, INT64, longBytes(0, 1, -1)));
      w.message(5, tensor(P + "col_shape", new long[] {3}, INT64, longBytes(0, -1, 1)));
      w.message(5, tensor(P + "flat_shape", new long[] {2}, INT64, longBytes(0, -1)));
      w.message(5, tensor(P + "min_count", new long[0], FLOAT, floatBytes(new float[] {1e-9f})));
      w.message(1, node(P + "mask_float", "Cast", "", List.of("attention_mask"), List.of(P + "mask"), intAttr("to", FLOAT)));
      w.message(1, node(P + "mask_row", "Reshape", "", List.of(P + "mask", P + "row_shape"), List.of(P + "mask_row"), null));
      w.message(1, node(P + "mask_col", "Reshape", "", List.of(P + "mask", P + "col_shape"), List.of(P + "mask_col"), null));
      w.message(1, node(P + "sum", "MatMul", "", List.of(P + "mask_row", hidden), List.of(P + "sum"), null));
      w.message(1, node(P + "count", "MatMul", "", List.of(P + "mask_row", P + "mask_col"), List.of(P + "count"), null));
      w.message(1, node(P + "count_min", "Max", "", List.of(P + "count", P + "min_count"), List.of(P + "count_min"), null));
      w.message(1, node(P + "mean", "Div", "", List.of(P + "sum", P + "count_min"), List.of(P + "mean"), null));
      w.message(1, node(P + "flat", "Reshape", "", List.of(P + "mean", P + "flat_shape"), List.of(pooled), null));
    }
    w.message(5, tensor(HEAD_WEIGHT, weightT.shape(), FLOAT, floatBytes(weightT.data())));
    w.message(5, tensor(HEAD_BIAS, bias.shape(), FLOAT, floatBytes(bias.data())));
    w.message(5, tensor(P + "temperature", new long[0], FLOAT, floatBytes(new float[] {(float) temperature})));
    w.message(1, node(P + "head", "MatMul", "", List.of(pooled, HEAD_WEIGHT), List.of(P + "head"), null));
    w.message(1, node(P + "bias", "Add", "", List.of(P + "head", HEAD_BIAS), List.of(P + "logits"), null));
    w.message(1, node(P + "scale", "Div", "", List.of(P + "logits", P + "temperature"), List.of(P + "scaled"), null));
    w.message(1, node(P + "softmax", "Softmax", "", List.of(P + "scaled"), List.of(PROBABILITIES), intAttr("axis", 1)));
  }

  // ---- ModelProto / GraphProto plumbing ----

  /** Copies the ModelProto, graph (field 7) rewritten, extra opset imports (field 8) added. */
  private static byte[] rewriteModel(ByteBuffer model, List<ProtoWriter> extraOpsets, Function<ByteBuffer, byte[]> graph) {
    ProtoReader r = new ProtoReader(model);
    ProtoWriter w = new ProtoWriter(model.remaining() + (1 << 20));
    boolean sawGraph = false;
    while (r.hasNext()) {
      int field = r.nextField();
      if (field == 7 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        w.bytes(7, graph.apply(r.readBytes()));
        sawGraph = true;
      } else {
        r.skip();
        w.raw(r.rawField());
      }
    }
    if (!sawGraph) {
      throw new NotExportable("the base model holds no ONNX graph");
    }
    extraOpsets.forEach(opset -> w.message(8, opset));
    return w.toByteArray();
  }

  private static ProtoWriter node(String name, String opType, String domain, List<String> inputs, List<String> outputs, ProtoWriter attribute) {
    ProtoWriter node = new ProtoWriter();
    inputs.forEach(i -> node.string(1, i));
    outputs.forEach(o -> node.string(2, o));
    node.string(3, name).string(4, opType);
    if (attribute != null) {
      node.message(5, attribute);
    }
    if (!domain.isEmpty()) {
      node.string(7, domain);
    }
    return node;
  }

  private static ProtoWriter intAttr(String name, long value) {
    return new ProtoWriter().string(1, name).varint(3, value).varint(20, ATTR_INT);
  }

  private static ProtoWriter tensor(String name, long[] dims, int dataType, byte[] raw) {
    ProtoWriter t = new ProtoWriter(raw.length + 64);
    for (long d : dims) {
      t.varint(1, d);
    }
    return t.varint(2, dataType).string(8, name).bytes(9, raw);
  }

  /** A tensor ValueInfoProto whose dims are names (dynamic) or sizes. */
  private static ProtoWriter valueInfo(String name, int elemType, Object... dims) {
    ProtoWriter shape = new ProtoWriter();
    for (Object dim : dims) {
      ProtoWriter d = new ProtoWriter();
      if (dim instanceof String param) {
        d.string(2, param);
      } else {
        d.varint(1, ((Number) dim).longValue());
      }
      shape.message(1, d);
    }
    ProtoWriter tensorType = new ProtoWriter().varint(1, elemType).message(2, shape);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
  }


  private static String tensorName(ByteBuffer tensor) {
    ProtoReader reader = new ProtoReader(tensor);
    while (reader.hasNext()) {
      if (reader.nextField() == 8 && reader.wireType() == ProtoReader.LENGTH_DELIMITED) {
        return reader.readString();
      }
      reader.skip();
    }
    return "";
  }

  private static String valueInfoName(ByteBuffer valueInfo) {
    ProtoReader reader = new ProtoReader(valueInfo);
    while (reader.hasNext()) {
      if (reader.nextField() == 1) {
        return reader.readString();
      }
      reader.skip();
    }
    return "";
  }

  private static byte[] floatBytes(float[] values) {
    ByteBuffer out = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    out.asFloatBuffer().put(values);
    return out.array();
  }

  private static byte[] longBytes(long... values) {
    ByteBuffer out = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    out.asLongBuffer().put(values);
    return out.array();
  }
}
