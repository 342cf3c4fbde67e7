package io.sentimentpipeline.udfs.nlp;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The encoder's own WordPiece tokenizer (DJL's binding of Hugging Face tokenizers), loaded once
 * per JVM and shared by all task threads of an executor; closed when the JVM exits. {@link
 * #encodeIds} is the bulk path: it asks the native side for the ids only, where an {@link Encoding}
 * also copies each token's string, character span, word and type ids into Java.
 */
public final class WordPieceEncoder {

  private static final Map<TokenizerSpec, HuggingFaceTokenizer> LOADED = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LOADED.values().forEach(HuggingFaceTokenizer::close), "tokenizer-close"));
  }

  /** [CLS] and [SEP] around every sequence, in both paths. */
  private static final boolean ADD_SPECIAL_TOKENS = true;

  /**
   * One text's ids, unpadded (so its attention mask is all ones), and whether the tokenizer cut it
   * at the spec's max length.
   */
  public record Ids(int[] ids, boolean truncated) {}

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
            "addSpecialTokens", Boolean.toString(ADD_SPECIAL_TOKENS));
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
   * The ids {@link #encodeTexts} gives, and whether each text was truncated, without building
   * {@link Encoding}s: one native batch call (Hugging Face's encode_batch, which runs on its rayon
   * pool unless {@code TOKENIZERS_PARALLELISM=false}), then the ids and overflow count of each
   * native encoding, which is freed at once. Same preprocessing as DJL's batchEncode: the loaded
   * tokenizer has no Java-side lower-casing ({@code doLowerCase} is not among the options {@code load} passes).
   */
  public Ids[] encodeIds(String[] texts) {
    for (int i = 0; i < texts.length; i++) {
      if (texts[i] == null) {
        throw new NullPointerException("text " + i + " of the batch is null");
      }
    }
    TokenizersLibrary lib = TokenizersLibrary.LIB;
    long[] handles = lib.batchEncode(tokenizer.getHandle(), texts, ADD_SPECIAL_TOKENS);
    Ids[] out = new Ids[handles.length];
    try {
      for (int i = 0; i < handles.length; i++) {
        out[i] = new Ids(toInts(lib.getTokenIds(handles[i])), lib.getOverflowCount(handles[i]) > 0);
      }
    } finally {
      for (long handle : handles) {
        lib.deleteEncoding(handle);
      }
    }
    return out;
  }

  /** The ids {@link #encodeWords} gives, without building an {@link Encoding}. */
  public int[] encodeWordIds(List<String> words) {
    TokenizersLibrary lib = TokenizersLibrary.LIB;
    long handle = lib.encodeList(tokenizer.getHandle(), words.toArray(String[]::new), ADD_SPECIAL_TOKENS);
    try {
      return toInts(lib.getTokenIds(handle));
    } finally {
      lib.deleteEncoding(handle);
    }
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /**
   * Ids of text that was already split into words elsewhere (Spark NLP): the tokenizer still
   * applies its own normalisation and punctuation split inside each word.
   */
  public Encoding encodeWords(List<String> words) {
    return tokenizer.encode(words, true, false);
  }
}
