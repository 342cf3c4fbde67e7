package io.sentimentpipeline.udfs.nlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The entity-conditioned input with the bundled MiniLM tokenizer. */
class PairEncoderTest {

  private static final String LOCATION = "classpath:all-minilm-l6-v2-tokenizer.json";

  private static long[] single(String text) {
    return WordPieceEncoder.forSpec(new TokenizerSpec("all-minilm-l6-v2", LOCATION, 128)).encodeTexts(List.of(text))[0].getIds();
  }

  @Test
  void encodesTextThenEntityWithTokenTypesZeroThenOne() {
    PairEncoder.EncodedPair pair =
        PairEncoder.forSpec(new TokenizerSpec("all-minilm-l6-v2", LOCATION, 128)).encode("Infosys beats estimates as Wipro warns", "Wipro");
    long[] text = single("Infosys beats estimates as Wipro warns"); // [CLS] text [SEP]
    long[] entity = single("Wipro");                                 // [CLS] entity [SEP]
    long sep = text[text.length - 1];

    long[] expected = new long[text.length + entity.length - 1];
    System.arraycopy(text, 0, expected, 0, text.length);
    System.arraycopy(entity, 1, expected, text.length, entity.length - 1);
    assertThat(pair.inputIds()).containsExactly(expected);
    assertThat(pair.inputIds()[pair.inputIds().length - 1]).isEqualTo(sep);
    long[] types = new long[expected.length];
    Arrays.fill(types, text.length, types.length, 1L);
    assertThat(pair.tokenTypeIds()).containsExactly(types);
  }

  @Test
  void truncatesTheTextNeverTheEntity() {
    PairEncoder encoder = PairEncoder.forSpec(new TokenizerSpec("all-minilm-l6-v2", LOCATION, 16));
    PairEncoder.EncodedPair pair = encoder.encode("word ".repeat(100), "Tata Consultancy Services");
    long[] entity = single("Tata Consultancy Services");
    int entityTokens = entity.length - 2;

    assertThat(pair.inputIds()).hasSize(16);
    assertThat(Arrays.copyOfRange(pair.inputIds(), 16 - entityTokens - 1, 16)).as("entity and the last [SEP] intact")
        .containsExactly(Arrays.copyOfRange(entity, 1, entity.length));
    assertThat(Arrays.stream(pair.tokenTypeIds()).filter(t -> t == 1).count()).isEqualTo(entityTokens + 1);
    assertThatThrownBy(() -> encoder.encode("text", "a very long entity name that is really a whole sentence of words"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than half of max length 16");
  }
}
