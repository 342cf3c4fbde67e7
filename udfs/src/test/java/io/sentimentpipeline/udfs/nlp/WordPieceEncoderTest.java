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
