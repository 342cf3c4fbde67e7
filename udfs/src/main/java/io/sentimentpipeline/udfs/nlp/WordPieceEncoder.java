package io.sentimentpipeline.udfs.nlp;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The encoder's own WordPiece tokenizer (DJL's binding of Hugging Face tokenizers), loaded once
 * per JVM and shared by all task threads of an executor; closed when the JVM exits.
 */
public final class WordPieceEncoder {

  private static final Map<TokenizerSpec, HuggingFaceTokenizer> LOADED = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LOADED.values().forEach(HuggingFaceTokenizer::close), "tokenizer-close"));
  }

  private final HuggingFaceTokenizer tokenizer;

  private WordPieceEncoder(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** The JVM-wide encoder for this spec, loading it on first use. */
  public static WordPieceEncoder forSpec(TokenizerSpec spec) {
    return new WordPieceEncoder(LOADED.computeIfAbsent(spec, WordPieceEncoder::load));
  }

  /** How many tokenizers this JVM has loaded (one per spec; used to check the cache). */
  public static int loadedCount() {
    return LOADED.size();
  }

  private static HuggingFaceTokenizer load(TokenizerSpec spec) {
    Map<String, String> options =
        Map.of(
            "maxLength", Integer.toString(spec.maxLength()),
            "truncation", "true",
            "padding", "false",
            "addSpecialTokens", "true");
    try (InputStream json = spec.open()) {
      return HuggingFaceTokenizer.newInstance(json, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load tokenizer of encoder '" + spec.encoder() + "'", e);
    }
  }

  /** Ids of each text, with [CLS]/[SEP], truncated to the spec's max length, unpadded. */
  public Encoding[] encodeTexts(List<String> texts) {
    return tokenizer.batchEncode(texts);
  }

  /**
   * Ids of text that was already split into words elsewhere (Spark NLP): the tokenizer still
   * applies its own normalisation and punctuation split inside each word.
   */
  public Encoding encodeWords(List<String> words) {
    return tokenizer.encode(words, true, false);
  }
}
