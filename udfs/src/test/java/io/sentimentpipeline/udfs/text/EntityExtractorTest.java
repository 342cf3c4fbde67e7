package io.sentimentpipeline.udfs.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EntityExtractorTest {

  private final EntityExtractor extractor =
      new EntityExtractor(
          List.of("NYSE", "NASDAQ"),
          List.of(
              new CompanyNames("AAPL", List.of("Apple Inc", "Apple"), List.of("Apple pie", "Big Apple")),
              new CompanyNames("NVX", List.of("Novex Dynamics", "Novex"), List.of())));

  @Test
  void findsCashtagsAndExchangePrefixedSymbols() {
    assertThat(extractor.extract("$msft up, NYSE:IBM down, NASDAQ: NVX flat, $TSLA and $BRK.B"))
        .containsExactly("BRK.B", "IBM", "NVX", "TSLA");
  }

  @Test
  void ignoresDollarAmounts() {
    assertThat(extractor.extract("raised $5 million at $12.50 a share")).isEmpty();
  }

  @Test
  void matchesNamesOnWordBoundariesCaseSensitively() {
    assertThat(extractor.extract("Novex said on Monday")).containsExactly("NVX");
    assertThat(extractor.extract("Novexa is another firm; novex is lower case")).isEmpty();
    assertThat(extractor.extract("Shares of Apple Inc. rose")).containsExactly("AAPL");
  }

  @Test
  void excludedPhrasesAreNotTheCompany() {
    assertThat(extractor.extract("an Apple pie recipe from the Big Apple")).isEmpty();
    assertThat(extractor.extract("Apple pie sales fell at Apple stores")).containsExactly("AAPL");
  }

  @Test
  void returnsDistinctSortedTickersAndNothingForBlank() {
    assertThat(extractor.extract("$NVX: Novex Dynamics and Novex again, Apple too"))
        .containsExactly("AAPL", "NVX");
    assertThat(extractor.extract(" ")).isEmpty();
    assertThat(extractor.extract(null)).isEmpty();
  }

  @Test
  void mentionsAreTheNamesAsWrittenElseTheFirstNameElseTheTicker() {
    assertThat(extractor.mentions("Novex beats estimates as $AAPL and $TSLA slip"))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("NVX", "Novex", "AAPL", "Apple Inc", "TSLA", "TSLA"));
    assertThat(extractor.mentions("Novex Dynamics and Apple rise"))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("NVX", "Novex Dynamics", "AAPL", "Apple"));
  }
}
