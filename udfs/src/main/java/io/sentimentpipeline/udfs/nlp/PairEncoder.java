package io.sentimentpipeline.udfs.nlp;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entity-conditioned input: a text and the entity it is asked about, encoded by the encoder's
 * own tokenizer as a text pair {@code [CLS] text [SEP] entity [SEP]}, token types 0 for the first
 * segment and 1 for the second. Only the text is truncated, never the entity (Hugging Face's
 * {@code only_first} strategy).
 *
 * <p>Why a pair and not entity marker tokens around the mention: BERT-family encoders are
 * pretrained on sentence pairs and carry token type embeddings for them, so the pair needs no new
 * vocabulary or untrained embeddings; it works when the entity's name is not a literal substring
 * of the text (a ticker, a name variant); and the Hugging Face tokenizer already encodes pairs.
 * Loaded once per JVM and spec, like {@link WordPieceEncoder}.
 */
public final class PairEncoder {

  /** At most this share of the max length may go to the entity; a longer entity is refused. */
  private static final int ENTITY_SHARE_DIVISOR = 2;

  private static final Map<TokenizerSpec, HuggingFaceTokenizer> LOADED = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LOADED.values().forEach(HuggingFaceTokenizer::close), "pair-tokenizer-close"));
  }

  /** Ids and token types of one pair, unpadded. */
  public record EncodedPair(long[] inputIds, long[] tokenTypeIds) {}

  private final TokenizerSpec spec;
  private final HuggingFaceTokenizer tokenizer;

  private PairEncoder(TokenizerSpec spec, HuggingFaceTokenizer tokenizer) {
    this.spec = spec;
    this.tokenizer = tokenizer;
  }

  /** The JVM-wide pair encoder for this spec (its max length bounds the whole pair). */
  public static PairEncoder forSpec(TokenizerSpec spec) {
    return new PairEncoder(spec, LOADED.computeIfAbsent(spec, PairEncoder::load));
  }

  private static HuggingFaceTokenizer load(TokenizerSpec spec) {
    Map<String, String> options =
        Map.of(
            "maxLength", Integer.toString(spec.maxLength()),
            "truncation", "only_first",
            "padding", "false",
            "addSpecialTokens", "true");
    try (InputStream json = spec.open()) {
      return HuggingFaceTokenizer.newInstance(json, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load tokenizer of encoder '" + spec.encoder() + "'", e);
    }
  }

  /**
   * {@code [CLS] text [SEP] entity [SEP]}, at most the spec's max length; fails, naming the entity,
   * when the entity alone takes more than half of it.
   */
  public EncodedPair encode(String text, String entity) {
    if (entity == null || entity.isBlank()) {
      throw new IllegalArgumentException("entity must not be blank (text: " + abbreviate(text) + ")");
    }
    int entityTokens = tokenizer.encode(entity, false, false).getIds().length;
    if (entityTokens > spec.maxLength() / ENTITY_SHARE_DIVISOR) {
      throw new IllegalArgumentException(
          "entity '" + abbreviate(entity) + "' has " + entityTokens + " tokens, more than half of max length "
              + spec.maxLength() + "; an entity is a name, not a text");
    }
    Encoding encoding = tokenizer.encode(text == null ? "" : text, entity);
    return new EncodedPair(encoding.getIds(), encoding.getTypeIds());
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
