package io.sentimentpipeline.udfs.nlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.Encoding;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exercises the real Hugging Face tokenizer shipped in the all-MiniLM-L6-v2 jar. */
class WordPieceEncoderTest {

  private static final TokenizerSpec MINILM =
      new TokenizerSpec("all-minilm-l6-v2", "classpath:all-minilm-l6-v2-tokenizer.json", 16);

  @Test
  void encodesWithSpecialTokensTruncatesAndDoesNotPad() {
    Encoding[] encodings =
        WordPieceEncoder.forSpec(MINILM)
            .encodeTexts(List.of("Great phone!", "word ".repeat(100)));
    long[] shortIds = encodings[0].getIds();
    assertThat(shortIds[0]).as("[CLS]").isEqualTo(101);
    assertThat(shortIds[shortIds.length - 1]).as("[SEP]").isEqualTo(102);
    assertThat(shortIds).as("no padding").hasSize(5);
    assertThat(encodings[1].getIds()).as("truncated to max length").hasSize(16);
    assertThat(encodings[1].getIds()[15]).isEqualTo(102);
  }

  @Test
  void wordsSplitElsewhereGiveTheSameIdsAsTheText() {
    WordPieceEncoder encoder = WordPieceEncoder.forSpec(MINILM);
    String text = "Don't buy: it's $40, broke in 2 days.";
    long[] direct = encoder.encodeTexts(List.of(text))[0].getIds();
    long[] fromWords =
        encoder.encodeWords(List.of("Don't", "buy", ":", "it's", "$40", ",", "broke", "in", "2", "days", "."))
            .getIds();
    assertThat(fromWords).isEqualTo(direct);
    long[] splitInsideAWord =
        encoder.encodeWords(List.of("Do", "n't", "buy", ":", "it's", "$40", ",", "bro", "ke", "in", "2", "days", ".")).getIds();
    assertThat(splitInsideAWord).as("a word split elsewhere is a mismatch").isNotEqualTo(direct);
  }

  /** Unicode (accents, CJK, emoji, ligatures, combining marks, RTL), long, and empty-ish texts. */
  private static final List<String> AWKWARD =
      List.of(
          "Great phone, LOVE it!",
          "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u2014 \u6771\u4eac\u306f\u7d20\u6674\u3089\u3057\u3044 \ud83d\ude00\ud83d\udc4d\ud83c\udffd",
          "\ufb01ne \ufb02ow, e\u0301te\u0301, \u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd, \u0440\u0443\u0441\u0441\u043a\u0438\u0439 \u0422\u0415\u041a\u0421\u0422",
          "Don't buy: it's $40 and broke in 2 days.",
          "word ".repeat(1000),
          "unbelievably".repeat(300),
          "",
          " ",
          "\n\t ",
          "!!!",
          "a",
          "\u00a0\u200b\ufeff");

  @Test
  void idsOnlyPathGivesExactlyTheEncodingsIds() {
    for (int maxLength : new int[] {16, 256}) {
      WordPieceEncoder encoder =
          WordPieceEncoder.forSpec(new TokenizerSpec("all-minilm-l6-v2", MINILM.location(), maxLength));
      Encoding[] encodings = encoder.encodeTexts(AWKWARD);
      WordPieceEncoder.Ids[] ids = encoder.encodeIds(AWKWARD.toArray(String[]::new));
      assertThat(ids).hasSameSizeAs(encodings);
      for (int i = 0; i < ids.length; i++) {
        long[] expected = encodings[i].getIds();
        assertThat(ids[i].ids()).as("text %d at max %d", i, maxLength).containsExactly(toInts(expected));
        assertThat(ids[i].truncated()).as("text %d truncated at max %d", i, maxLength).isEqualTo(encodings[i].exceedMaxLength());
        assertThat(encodings[i].getAttentionMask()).as("unpadded: the mask is derivable").containsOnly(1L);
      }
      assertThat(ids[4].ids()).as("the long text is cut").hasSize(maxLength);
      assertThat(ids[4].truncated()).isTrue();
      assertThat(ids[6].ids()).as("empty text: [CLS] [SEP]").containsExactly(101, 102);
      assertThat(ids[0].truncated()).isFalse();
    }
  }

  @Test
  void idsOnlyWordPathGivesExactlyTheEncodingsIds() {
    WordPieceEncoder encoder = WordPieceEncoder.forSpec(MINILM);
    for (List<String> words :
        List.of(
            List.of("Don't", "buy", ":", "it's", "$40"),
            List.of("Caf\u00e9", "\u6771\u4eac", "\ud83d\ude00"),
            List.of("word ".repeat(50).split(" ")),
            List.<String>of())) {
      assertThat(encoder.encodeWordIds(words)).as(words.toString()).containsExactly(toInts(encoder.encodeWords(words).getIds()));
    }
  }

  @Test
  void aNullTextIsRefusedWithItsPlace() {
    assertThatThrownBy(() -> WordPieceEncoder.forSpec(MINILM).encodeIds(new String[] {"fine", null}))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("text 1");
  }

  private static int[] toInts(long[] ids) {
    return java.util.Arrays.stream(ids).mapToInt(Math::toIntExact).toArray();
  }

  @Test
  void loadsOncePerJvmAndNamesTheVocabulary() {
    WordPieceEncoder.forSpec(MINILM);
    int loaded = WordPieceEncoder.loadedCount();
    WordPieceEncoder.forSpec(new TokenizerSpec("all-minilm-l6-v2", MINILM.location(), 16));
    assertThat(WordPieceEncoder.loadedCount()).isEqualTo(loaded);
    assertThat(MINILM.tokenizerId()).matches("all-minilm-l6-v2@[0-9a-f]{12}/max16");
  }

  @Test
  void missingTokenizerNamesTheEncoder() {
    TokenizerSpec missing = new TokenizerSpec("mine", "/nonexistent/tokenizer.json", 16);
    assertThatThrownBy(missing::tokenizerId)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("mine")
        .hasMessageContaining("/nonexistent/tokenizer.json");
  }
}
