package io.sentimentpipeline.udfs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.ndarray.NDManager;
import io.sentimentpipeline.udfs.model.BertConfig;
import io.sentimentpipeline.udfs.model.BertEncoder;
import io.sentimentpipeline.udfs.model.Pooling;
import io.sentimentpipeline.udfs.model.SentimentClassifier;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import io.sentimentpipeline.udfs.nlp.WordPieceEncoder;
import io.sentimentpipeline.udfs.score.OcclusionAttributions.Attribution;
import io.sentimentpipeline.udfs.train.ParameterSync;
import io.sentimentpipeline.udfs.train.SentimentTrainer;
import io.sentimentpipeline.udfs.train.TrainerConfig;
import io.sentimentpipeline.udfs.train.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Occlusion on a real model: a tiny BERT with MiniLM's vocabulary and tokenizer, fine-tuned with
 * the project's trainer on templated news where only the sentiment phrase tells the class ("issues
 * profit warning", "beats estimates", …; company and filler words are shared by all classes), then
 * loaded from its bundle files through {@link ScoringModel}. The attributions must point at the
 * sentiment words, not at the company or the filler.
 */
class OcclusionAttributionsTest {

  private static final List<String> LABELS = List.of("negative", "neutral", "positive");
  private static final BertConfig SHAPE = new BertConfig(30522, 32, 2, 4, 64, 64, 2);
  private static final int MAX_LENGTH = 40;
  private static final TokenizerSpec MINILM =
      new TokenizerSpec("all-minilm-l6-v2", "classpath:all-minilm-l6-v2-tokenizer.json", MAX_LENGTH);

  private static final List<String> COMPANIES = List.of("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay");
  private static final List<List<String>> PHRASES =
      List.of(
          List.of("issues a profit warning", "misses estimates", "shares plunge", "faces a lawsuit", "cuts jobs"),
          List.of("holds its annual meeting", "names a new director", "moves its headquarters", "files its report"),
          List.of("beats estimates", "raises guidance", "shares surge", "wins a contract", "posts record profit"));
  private static final List<String> FILLER =
      List.of("analysts said on monday", "according to a filing", "the company said", "in early trading", "this quarter");

  private static NDManager manager;
  private static ScoringModel model;

  @BeforeAll
  static void trainAndLoad() throws Exception {
    manager = Engine.getEngine("PyTorch").newBaseManager();
    SentimentTrainer.seedEngine(11);
    SentimentClassifier classifier = new SentimentClassifier(new BertEncoder(SHAPE, 0f), Pooling.MEAN, LABELS.size(), 0f);
    classifier.initializeParameters(manager);
    TrainerConfig config =
        new TrainerConfig(8, 16, 1, 3e-3f, 0.01f, 0.1f, 1.0f, false, 8, 42L, 0L, Pooling.MEAN, 0f, 1);
    new SentimentTrainer(config, LABELS)
        .fit(classifier, corpus(360, 1), corpus(60, 2), ParameterSync.none(), null, line -> {});
    model = ScoringModel.load(ScoringFixtures.bundle(classifier, SHAPE, MAX_LENGTH, LABELS, null), "occlusion", Device.cpu(), 1);
  }

  @AfterAll
  static void close() {
    model.close();
    manager.close();
  }

  /**
   * Sentences "[filler, ]<company> <phrase>[, filler]." with the phrase's class as label; the company
   * is sometimes left out and "profit" and "estimates" occur in both classes, so the model must read
   * the phrase and cannot lean on a position or on one shared word.
   */
  private static List<TrainingExample> corpus(int count, long seed) {
    Random random = new Random(seed);
    List<String> texts = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int label = random.nextInt(3);
      List<String> phrases = PHRASES.get(label);
      String prefix = random.nextBoolean() ? "" : capitalized(FILLER.get(random.nextInt(FILLER.size()))) + ", ";
      String company = random.nextInt(4) == 0 ? "" : COMPANIES.get(random.nextInt(COMPANIES.size())) + " ";
      String suffix = random.nextBoolean() ? "" : ", " + FILLER.get(random.nextInt(FILLER.size()));
      texts.add(prefix + company + phrases.get(random.nextInt(phrases.size())) + suffix + ".");
      labels.add(label);
    }
    Encoding[] encodings = WordPieceEncoder.forSpec(MINILM).encodeTexts(texts);
    List<TrainingExample> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      examples.add(new TrainingExample("doc-" + seed + "-" + i, encodings[i].getIds(), labels.get(i)));
    }
    return examples;
  }

  private static String capitalized(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  private static Encoding encode(String text) {
    return WordPieceEncoder.forSpec(MINILM).encodeTexts(List.of(text))[0];
  }

  private static List<Attribution> all(String text) {
    Encoding encoding = encode(text);
    return new OcclusionAttributions(model, 16).all(encoding.getIds(), OcclusionAttributions.words(text, encoding, MAX_LENGTH));
  }

  private static double weight(List<Attribution> weights, String word) {
    return weights.stream().filter(a -> a.word().equals(word)).findFirst().orElseThrow().weight();
  }

  @Test
  void theNegativePhraseDrivesANegativeHeadline() {
    String text = "Globex issues a profit warning, analysts said on monday.";
    List<Attribution> top = new OcclusionAttributions(model, 16).top(text, encode(text), 3);

    assertThat(top).isNotEmpty().hasSizeLessThanOrEqualTo(3);
    assertThat(top.get(0).word()).as("strongest word of %s", top).isIn("profit", "warning");
    assertThat(top).allSatisfy(a -> assertThat(a.weight()).isPositive());
    assertThat(top).extracting(Attribution::word).as("words of the text, as written").allSatisfy(w -> assertThat(text).contains(w));
    assertThat(top).extracting(Attribution::weight).isSortedAccordingTo((a, b) -> Double.compare(b, a));
  }

  @Test
  void aPositivePhrasePullsAgainstNegativeAndTheNegativeOneStillLeads() {
    List<Attribution> weights = all("Initech shares plunge although it beats estimates.");

    assertThat(weights).extracting(Attribution::word)
        .containsExactly("Initech", "shares", "plunge", "although", "it", "beats", "estimates", ".");
    assertThat(weight(weights, "beats")).as("'beats' lowers P(negative): %s", weights).isNegative();
    assertThat(weight(weights, "plunge")).as("'plunge' raises P(negative): %s", weights)
        .isGreaterThan(weight(weights, "Initech")).isGreaterThan(weight(weights, "it")).isPositive();
    assertThat(OcclusionAttributions.strongest(weights, 5)).extracting(Attribution::word).doesNotContain("beats");
  }

  @Test
  void aWordSplitIntoPiecesIsOneWordWithItsOwnSpelling() {
    String text = "Vandelay's CEO resigned.";
    Encoding encoding = encode(text);
    List<OcclusionAttributions.Word> words = OcclusionAttributions.words(text, encoding, MAX_LENGTH);

    assertThat(words).extracting(OcclusionAttributions.Word::text).containsExactly("Vandelay", "'", "s", "CEO", "resigned", ".");
    OcclusionAttributions.Word vandelay = words.get(0);
    assertThat(vandelay.positions().length).as("'vandelay' is several pieces").isGreaterThan(1);
    assertThat(vandelay.positions()[0]).as("after [CLS]").isEqualTo(1);
    assertThat(OcclusionAttributions.words(text, encoding, 4)).as("a short window attributes only what fits")
        .extracting(OcclusionAttributions.Word::text).isEmpty();
  }

  @Test
  void strongestKeepsPositiveWeightsOncePerWordStrongestFirst() {
    List<Attribution> weights =
        List.of(new Attribution("Loss", 0.1), new Attribution("up", -0.3), new Attribution("loss", 0.4),
            new Attribution("fraud", 0.2), new Attribution("the", 0.0));

    assertThat(OcclusionAttributions.strongest(weights, 5))
        .containsExactly(new Attribution("loss", 0.4), new Attribution("fraud", 0.2));
    assertThat(OcclusionAttributions.strongest(weights, 1)).containsExactly(new Attribution("loss", 0.4));
  }

  @Test
  void leavingOutAWordRemovesExactlyItsPieces() {
    assertThat(OcclusionAttributions.without(new long[] {101, 7, 8, 9, 102}, new int[] {2, 3})).containsExactly(101, 7, 102);
    assertThatThrownBy(() -> new OcclusionAttributions(model, 0)).hasMessageContaining("batchSize");
  }
}
