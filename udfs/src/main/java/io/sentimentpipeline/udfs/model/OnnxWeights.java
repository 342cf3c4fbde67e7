package io.sentimentpipeline.udfs.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a BERT encoder exported to ONNX by PyTorch (as the bundled MiniLM and bge
 * encoders are), read straight from the ModelProto with {@link ProtoReader}.
 *
 * <p>Biases, embeddings and LayerNorm tensors keep their Hugging Face names as initializers. Linear
 * weights are anonymous initializers ({@code onnx::MatMul_885}) stored [in, out]; their name is
 * recovered from the MatMul node that consumes them ({@code /encoder/layer.0/attention/self/query/
 * MatMul} becomes {@code encoder.layer.0.attention.self.query.weight}) and they are transposed to
 * [out, in].
 */
public final class OnnxWeights implements WeightSource {

  private static final int FLOAT = 1;

  /** One initializer, its data still in the file's bytes. */
  record Initializer(String name, long[] dims, int dataType, ByteBuffer littleEndianFloats) {}

  private final String description;
  private final Map<String, Initializer> initializers;
  private final Map<String, String> matMulWeights; // HF name -> initializer name
  private final List<String> inputNames;
  private final List<String> outputNames;

  private OnnxWeights(
      String description,
      Map<String, Initializer> initializers,
      Map<String, String> matMulWeights,
      List<String> inputNames,
      List<String> outputNames) {
    this.description = description;
    this.initializers = initializers;
    this.matMulWeights = matMulWeights;
    this.inputNames = inputNames;
    this.outputNames = outputNames;
  }

  /** Reads an .onnx file (memory-mapped; files over 2 GiB or with external data are refused). */
  public static OnnxWeights read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() > Integer.MAX_VALUE) {
        throw new IOException(file + " is over 2 GiB; ONNX files that large are not supported");
      }
      ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      return parse(bytes, "ONNX file " + file);
    }
  }

  /** Reads an ONNX model from a stream (e.g. a classpath resource), wholly into memory. */
  public static OnnxWeights read(InputStream in, String description) throws IOException {
    return parse(ByteBuffer.wrap(in.readAllBytes()), description);
  }

  /** The graph's input names, in order (e.g. input_ids, attention_mask, token_type_ids). */
  public List<String> inputNames() {
    return inputNames;
  }

  /** The graph's output names, in order (the first is the last hidden state). */
  public List<String> outputNames() {
    return outputNames;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public Map<String, long[]> shapes() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (Initializer init : initializers.values()) {
      if (init.dataType == FLOAT) {
        shapes.put(huggingFaceName(init.name), init.dims);
      }
    }
    matMulWeights.forEach(
        (hfName, initName) -> {
          long[] dims = initializers.get(initName).dims;
          shapes.put(hfName, new long[] {dims[1], dims[0]});
        });
    return shapes;
  }

  @Override
  public FloatTensor tensor(String name) {
    String matMul = matMulWeights.get(name);
    if (matMul != null) {
      return decode(initializers.get(matMul)).transpose2d();
    }
    Initializer init = initializers.get(name);
    if (init == null) {
      init = initializers.get("bert." + name);
    }
    if (init == null) {
      throw new IllegalArgumentException("tensor '" + name + "' is missing from " + description);
    }
    return decode(init);
  }

  private FloatTensor decode(Initializer init) {
    if (init.dataType != FLOAT) {
      throw new IllegalArgumentException(
          "tensor '" + init.name + "' in " + description + " has ONNX data type " + init.dataType
              + "; only FLOAT (1) is supported (not quantized or float16 exports)");
    }
    ByteBuffer bytes = init.littleEndianFloats.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] data = new float[bytes.remaining() / Float.BYTES];
    bytes.asFloatBuffer().get(data);
    return new FloatTensor(init.dims.clone(), data);
  }

  private static String huggingFaceName(String name) {
    return name.startsWith("bert.") ? name.substring("bert.".length()) : name;
  }

  // ---- parsing ----

  /** Initializer name of each Linear weight, by Hugging Face name (the exporter writes them back). */
  Map<String, String> linearWeightInitializers() {
    return Collections.unmodifiableMap(matMulWeights);
  }

  /** The initializer of that exact name, or null. */
  Initializer initializer(String name) {
    return initializers.get(name);
  }

  /** The initializer that holds Hugging Face tensor {@code name} as is (not transposed), or null. */
  Initializer plainInitializer(String name) {
    Initializer init = initializers.get(name);
    return init != null ? init : initializers.get("bert." + name);
  }

  /** The floats of a FLOAT initializer, in the file's layout. */
  float[] floats(Initializer init) {
    return decode(init).data();
  }

  static OnnxWeights parse(ByteBuffer model, String description) {
    ByteBuffer graph = null;
    ProtoReader modelReader = new ProtoReader(model);
    while (modelReader.hasNext()) {
      if (modelReader.nextField() == 7 && modelReader.wireType() == ProtoReader.LENGTH_DELIMITED) {
        graph = modelReader.readBytes();
      } else {
        modelReader.skip();
      }
    }
    if (graph == null) {
      throw new IllegalArgumentException(description + " holds no ONNX graph (is it an ONNX model?)");
    }
    Map<String, Initializer> initializers = new LinkedHashMap<>();
    List<List<String>> matMulNodes = new ArrayList<>(); // [name, output0, input0, input1]
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    ProtoReader graphReader = new ProtoReader(graph);
    while (graphReader.hasNext()) {
      int field = graphReader.nextField();
      if (field == 1) {
        List<String> node = parseMatMulNode(graphReader.readBytes());
        if (node != null) {
          matMulNodes.add(node);
        }
      } else if (field == 5) {
        Initializer init = parseTensor(graphReader.readBytes(), description);
        initializers.put(init.name, init);
      } else if (field == 11) {
        inputs.add(valueInfoName(graphReader.readBytes()));
      } else if (field == 12) {
        outputs.add(valueInfoName(graphReader.readBytes()));
      } else {
        graphReader.skip();
      }
    }
    Map<String, String> matMulWeights = new LinkedHashMap<>();
    for (List<String> node : matMulNodes) {
      Initializer weight = initializers.get(node.get(3));
      if (weight == null || weight.dims.length != 2) {
        continue; // activation x activation (attention scores), not a Linear
      }
      String scope = node.get(0).isEmpty() ? node.get(1) : node.get(0);
      scope = scope.replaceFirst("^/", "").replaceFirst("/MatMul(_output_0)?$", "");
      matMulWeights.put(huggingFaceName(scope.replace('/', '.')) + ".weight", weight.name);
    }
    // Inputs that are also initializers are constants, not real graph inputs.
    inputs.removeIf(initializers::containsKey);
    return new OnnxWeights(
        description,
        initializers,
        matMulWeights,
        Collections.unmodifiableList(inputs),
        Collections.unmodifiableList(outputs));
  }

  /** A graph node's name, operator and tensor names (attributes are not read). */
  record Node(String name, String opType, List<String> inputs, List<String> outputs) {

    /** Reads an ONNX NodeProto. */
    static Node parse(ByteBuffer bytes) {
      List<String> inputs = new ArrayList<>();
      List<String> outputs = new ArrayList<>();
      String name = "";
      String opType = "";
      ProtoReader reader = new ProtoReader(bytes);
      while (reader.hasNext()) {
        switch (reader.nextField()) {
          case 1 -> inputs.add(reader.readString());
          case 2 -> outputs.add(reader.readString());
          case 3 -> name = reader.readString();
          case 4 -> opType = reader.readString();
          default -> reader.skip();
        }
      }
      return new Node(name, opType, inputs, outputs);
    }
  }

  /** [name, output0, input0, input1] of a MatMul node, or null for any other node. */
  private static List<String> parseMatMulNode(ByteBuffer bytes) {
    Node node = Node.parse(bytes);
    if (!node.opType().equals("MatMul") || node.inputs().size() != 2 || node.outputs().isEmpty()) {
      return null;
    }
    return List.of(node.name(), node.outputs().get(0), node.inputs().get(0), node.inputs().get(1));
  }

  static Initializer parseTensor(ByteBuffer bytes, String description) {
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    ByteBuffer raw = null;
    ByteBuffer packedFloats = null;
    List<Float> looseFloats = new ArrayList<>();
    boolean external = false;
    ProtoReader reader = new ProtoReader(bytes);
    while (reader.hasNext()) {
      int field = reader.nextField();
      int wire = reader.wireType();
      if (field == 1 && wire == ProtoReader.VARINT) {
        dims.add(reader.readVarint());
      } else if (field == 1 && wire == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader packed = new ProtoReader(reader.readBytes());
        while (packed.hasNext()) {
          dims.add(packed.readVarint());
        }
      } else if (field == 2 && wire == ProtoReader.VARINT) {
        dataType = (int) reader.readVarint();
      } else if (field == 4 && wire == ProtoReader.LENGTH_DELIMITED) {
        packedFloats = reader.readBytes();
      } else if (field == 4 && wire == ProtoReader.FIXED32) {
        looseFloats.add(Float.intBitsToFloat(reader.readFixed32()));
      } else if (field == 8 && wire == ProtoReader.LENGTH_DELIMITED) {
        name = reader.readString();
      } else if (field == 9 && wire == ProtoReader.LENGTH_DELIMITED) {
        raw = reader.readBytes();
      } else if (field == 14 && wire == ProtoReader.VARINT) {
        external = reader.readVarint() == 1;
      } else {
        reader.skip();
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    if (external) {
      throw new IllegalArgumentException(
          "tensor '" + name + "' in " + description
              + " keeps its data in an external file; re-export the model with the weights inside");
    }
    ByteBuffer data = raw != null ? raw : packedFloats;
    if (data == null) {
      ByteBuffer loose =
          ByteBuffer.allocate(looseFloats.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      looseFloats.forEach(loose::putFloat);
      data = loose.flip();
    }
    if (dataType == FLOAT && data.remaining() != Float.BYTES * product(shape)) {
      throw new IllegalArgumentException(
          "tensor '" + name + "' in " + description + " has " + data.remaining()
              + " bytes for shape " + Arrays.toString(shape));
    }
    return new Initializer(name, shape, dataType, data);
  }

  private static String valueInfoName(ByteBuffer bytes) {
    ProtoReader reader = new ProtoReader(bytes);
    while (reader.hasNext()) {
      if (reader.nextField() == 1) {
        return reader.readString();
      }
      reader.skip();
    }
    return "";
  }

  private static long product(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
