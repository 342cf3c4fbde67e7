package io.sentimentpipeline.udfs.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The shape of a BERT-family encoder: enough to build a {@link BertEncoder} and to check that
 * imported weights fit it. Read from a Hugging Face {@code config.json}, or inferred from the weight
 * shapes of a file that carries no config (an exported ONNX graph).
 */
public record BertConfig(
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int intermediateSize,
    int maxPositions,
    int typeVocabSize,
    double layerNormEps) {

  /** BERT's LayerNorm epsilon, used by MiniLM and bge alike. */
  public static final double DEFAULT_LAYER_NORM_EPS = 1e-12;

  /** Attention head width assumed when a file does not say how many heads there are. */
  public static final int DEFAULT_HEAD_SIZE = 64;

  public BertConfig {
    requirePositive("vocabSize", vocabSize);
    requirePositive("hiddenSize", hiddenSize);
    requirePositive("numLayers", numLayers);
    requirePositive("numHeads", numHeads);
    requirePositive("intermediateSize", intermediateSize);
    requirePositive("maxPositions", maxPositions);
    requirePositive("typeVocabSize", typeVocabSize);
    if (hiddenSize % numHeads != 0) {
      throw new IllegalArgumentException(
          "hiddenSize " + hiddenSize + " is not divisible by numHeads " + numHeads);
    }
    if (!(layerNormEps > 0)) {
      throw new IllegalArgumentException("layerNormEps must be > 0, got " + layerNormEps);
    }
  }

  /** A config with BERT's default LayerNorm epsilon. */
  public BertConfig(
      int vocabSize,
      int hiddenSize,
      int numLayers,
      int numHeads,
      int intermediateSize,
      int maxPositions,
      int typeVocabSize) {
    this(
        vocabSize,
        hiddenSize,
        numLayers,
        numHeads,
        intermediateSize,
        maxPositions,
        typeVocabSize,
        DEFAULT_LAYER_NORM_EPS);
  }

  /** Width of one attention head. */
  public int headSize() {
    return hiddenSize / numHeads;
  }

  /** Reads a Hugging Face BERT {@code config.json}; fails on activations other than exact GELU. */
  public static BertConfig fromHuggingFaceJson(Path configJson) throws IOException {
    return fromHuggingFaceJson(Files.readAllBytes(configJson), configJson.toString());
  }

  /**
   * Reads a Hugging Face BERT {@code config.json} already in memory (e.g. from a model bundle);
   * {@code source} names it in messages.
   */
  public static BertConfig fromHuggingFaceJson(byte[] content, String source) throws IOException {
    JsonNode json = new ObjectMapper().readTree(content);
    String act = json.path("hidden_act").asText("gelu");
    if (!act.equals("gelu")) {
      throw new IllegalArgumentException(
          source + ": hidden_act '" + act + "' is not supported (only exact 'gelu')");
    }
    String positions = json.path("position_embedding_type").asText("absolute");
    if (!positions.equals("absolute")) {
      throw new IllegalArgumentException(
          source + ": position_embedding_type '" + positions + "' is not supported");
    }
    return new BertConfig(
        required(json, "vocab_size", source),
        required(json, "hidden_size", source),
        required(json, "num_hidden_layers", source),
        required(json, "num_attention_heads", source),
        required(json, "intermediate_size", source),
        required(json, "max_position_embeddings", source),
        json.path("type_vocab_size").asInt(2),
        json.path("layer_norm_eps").asDouble(DEFAULT_LAYER_NORM_EPS));
  }

  /** Writes this config as a Hugging Face BERT {@code config.json}. */
  public void writeHuggingFaceJson(Path configJson) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode json = mapper.createObjectNode();
    json.putArray("architectures").add("BertModel");
    json.put("model_type", "bert");
    json.put("vocab_size", vocabSize);
    json.put("hidden_size", hiddenSize);
    json.put("num_hidden_layers", numLayers);
    json.put("num_attention_heads", numHeads);
    json.put("intermediate_size", intermediateSize);
    json.put("max_position_embeddings", maxPositions);
    json.put("type_vocab_size", typeVocabSize);
    json.put("layer_norm_eps", layerNormEps);
    json.put("hidden_act", "gelu");
    json.put("position_embedding_type", "absolute");
    mapper.writerWithDefaultPrettyPrinter().writeValue(configJson.toFile(), json);
  }

  /**
   * Infers the config from weight shapes keyed by Hugging Face names (without a {@code bert.}
   * prefix). The head count is not visible in the shapes and defaults to hiddenSize / 64, which is
   * right for BERT-base but NOT for MiniLM-L6 or bge-small (384 wide, 12 heads of 32): pass the head
   * count with {@link #fromWeightShapes(Map, int)} whenever it is known.
   */
  public static BertConfig fromWeightShapes(Map<String, long[]> shapes) {
    return fromWeightShapes(shapes, 0);
  }

  /**
   * Infers the config from weight shapes keyed by Hugging Face names. {@code numHeads} is taken as
   * given when positive; otherwise hiddenSize / {@value #DEFAULT_HEAD_SIZE}.
   */
  public static BertConfig fromWeightShapes(Map<String, long[]> shapes, int numHeads) {
    long[] words = shape(shapes, "embeddings.word_embeddings.weight", 2);
    long[] positions = shape(shapes, "embeddings.position_embeddings.weight", 2);
    long[] types = shape(shapes, "embeddings.token_type_embeddings.weight", 2);
    long[] intermediate = shape(shapes, "encoder.layer.0.intermediate.dense.bias", 1);
    int hidden = Math.toIntExact(words[1]);
    int layers = 0;
    while (shapes.containsKey("encoder.layer." + layers + ".output.LayerNorm.weight")) {
      layers++;
    }
    int heads = numHeads > 0 ? numHeads : Math.max(1, hidden / DEFAULT_HEAD_SIZE);
    return new BertConfig(
        Math.toIntExact(words[0]),
        hidden,
        layers,
        heads,
        Math.toIntExact(intermediate[0]),
        Math.toIntExact(positions[0]),
        Math.toIntExact(types[0]));
  }

  private static long[] shape(Map<String, long[]> shapes, String name, int rank) {
    long[] shape = shapes.get(name);
    if (shape == null || shape.length != rank) {
      throw new IllegalArgumentException(
          "cannot infer the encoder config: tensor '" + name + "' is "
              + (shape == null ? "missing" : "of rank " + shape.length + ", expected " + rank));
    }
    return shape;
  }

  private static int required(JsonNode json, String key, String file) {
    JsonNode value = json.get(key);
    if (value == null || !value.canConvertToInt()) {
      throw new IllegalArgumentException(file + " lacks integer field '" + key + "'");
    }
    return value.asInt();
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + value);
    }
  }
}
