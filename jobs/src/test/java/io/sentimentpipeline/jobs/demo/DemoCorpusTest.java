package io.sentimentpipeline.jobs.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCorpusTest {

  private static final LocalDate END = LocalDate.of(2026, 11, 27);
  private static final LocalDate SURGE = LocalDate.of(2026, 11, 20);
  private static final int SURGE_ARTICLES = 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NEGATIVE_HEADLINE =
      Pattern.compile(
          "(?i)plunge|recall|probe|lawsuit|loss|downgrad|slump|miss|layoff|tumble|slash|scandal|suspend|default");

  @TempDir static Path corpusDir;
  private static DemoCorpusSummary summary;
  private static List<String> reviewLines;
  private static List<String> newsLines;

  /** 22 companies in the shape of conf/companies.conf, deliberately not in ticker order. */
  static Map<String, List<String>> companies() {
    return Map.ofEntries(
        Map.entry("NVX", List.of("Novex Dynamics", "Novex")),
        Map.entry("ACRL", List.of("Acorel Systems", "Acorel")),
        Map.entry("BRTH", List.of("Brighthaven Energy", "Brighthaven")),
        Map.entry("CDLM", List.of("Cedarline Motors", "Cedarline")),
        Map.entry("DLTX", List.of("Deltrix Pharmaceuticals", "Deltrix")),
        Map.entry("ESMR", List.of("Emerald Summit Resources", "Emerald Summit")),
        Map.entry("FNWK", List.of("Finwick Bank", "Finwick")),
        Map.entry("GLSY", List.of("Glasseye Semiconductor", "Glasseye")),
        Map.entry("HRVT", List.of("Harvest Table Foods", "Harvest Table")),
        Map.entry("IONQX", List.of("Ionquill Networks", "Ionquill")),
        Map.entry("JNPR2", List.of("Juniper Crest Airlines", "Juniper Crest")),
        Map.entry("KSTL", List.of("Keystone Steelworks", "Keystone Steel")),
        Map.entry("LMNA", List.of("Lumina Retail Group", "Lumina Retail")),
        Map.entry("MRDN", List.of("Meridian Health Partners", "Meridian Health")),
        Map.entry("NBLA", List.of("Nebula Cloud Software", "Nebula Cloud")),
        Map.entry("ORCH", List.of("Orchard Apple Growers", "Orchard Apple")),
        Map.entry("PLRS", List.of("Polaris Freight", "Polaris Freight Lines")),
        Map.entry("QNTM", List.of("Quantum Ridge Insurance", "Quantum Ridge")),
        Map.entry("RDWD", List.of("Redwood Biologics", "Redwood Bio")),
        Map.entry("SLTE", List.of("Slate Rock Mining", "Slate Rock")),
        Map.entry("TRVN", List.of("Trevane Telecom", "Trevane")),
        Map.entry("UMBR", List.of("Umbra Games", "Umbra Interactive")));
  }

  static DemoSettings settings(Path output) {
    return new DemoSettings(output, 7L, 200, 95, 6, END, "NVX", SURGE, SURGE_ARTICLES);
  }

  @BeforeAll
  static void writeCorpus() throws IOException {
    summary = DemoCorpus.write(settings(corpusDir), companies());
    reviewLines = dataLines(corpusDir.resolve("reviews"), true);
    newsLines = dataLines(corpusDir.resolve("news"), false);
  }

  @Test
  void sameInputsGiveTheSameBytes(@TempDir Path dir) throws IOException {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    DemoCorpusSummary a = DemoCorpus.write(settings(first), companies());
    Files.createDirectories(second.resolve("news"));
    Files.writeString(second.resolve("news/stale.jsonl"), "{}\n");
    DemoCorpusSummary b = DemoCorpus.write(settings(second), new TreeMap<>(companies()));

    assertThat(b).as("summary").isEqualTo(a);
    assertThat(relativeFiles(second)).as("file names").isEqualTo(relativeFiles(first));
    for (String file : relativeFiles(first)) {
      assertThat(Files.readAllBytes(second.resolve(file)))
          .as(file)
          .isEqualTo(Files.readAllBytes(first.resolve(file)));
    }
  }

  @Test
  void writesTheExpectedFiles() throws IOException {
    assertThat(relativeFiles(corpusDir))
        .contains(
            "reviews/reviews-part-1.csv",
            "reviews/reviews-part-2.csv",
            "news/news-2026-08.jsonl",
            "news/news-2026-11.jsonl")
        .allMatch(
            f -> f.matches("reviews/reviews-part-[12]\\.csv|news/news-\\d{4}-\\d{2}\\.jsonl"));
    for (String part : List.of("reviews-part-1.csv", "reviews-part-2.csv")) {
      assertThat(Files.readAllLines(corpusDir.resolve("reviews").resolve(part), UTF_8).get(0))
          .isEqualTo("review_id,product,rating,title,body,created_at");
    }
  }

  @Test
  void everyBadKindIsInjectedAtLeastTwice() {
    Set<String> kinds = new TreeSet<>(DemoCorpus.REVIEW_BAD_KINDS);
    kinds.addAll(DemoCorpus.NEWS_BAD_KINDS);
    assertThat(summary.injectedBadRows().keySet()).isEqualTo(kinds);
    assertThat(summary.injectedBadRows().values()).allMatch(count -> count >= 2);
    assertThat(summary.badRowsStartingWith("reviews."))
        .isEqualTo(reviewLines.size() - settings(corpusDir).reviews());
  }

  @Test
  void countsMatchTheFilesAndMalformedLinesAreTheOnlyUnparseableOnes() {
    assertThat(summary.reviewRows()).isEqualTo(reviewLines.size());
    assertThat(summary.newsRows()).isEqualTo(newsLines.size());
    assertThat(
            reviewLines.stream()
                .filter(line -> csvFields(line) == null || csvFields(line).size() != 6))
        .hasSize(summary.badRows("reviews.malformed-line"));
    assertThat(newsLines.stream().filter(line -> json(line) == null))
        .hasSize(summary.badRows("news.malformed-line"));
  }

  @Test
  void reviewsCarryBalancedRatingsAndDistinctBodies() {
    List<List<String>> rows = validReviews();
    Map<String, Long> byLabel =
        rows.stream()
            .map(r -> r.get(2))
            .filter(r -> r.matches("[1-5]"))
            .collect(
                Collectors.groupingBy(
                    r -> r.compareTo("3") < 0 ? "neg" : r.equals("3") ? "neu" : "pos",
                    Collectors.counting()));
    double total = byLabel.values().stream().mapToLong(Long::longValue).sum();
    assertThat(byLabel.get("neg") / total).as("negative share").isBetween(0.30, 0.50);
    assertThat(byLabel.get("neu") / total).as("neutral share").isBetween(0.10, 0.30);
    assertThat(byLabel.get("pos") / total).as("positive share").isBetween(0.30, 0.50);

    List<String> bodies =
        rows.stream()
            .map(r -> r.get(4).strip().replaceAll("\\s+", " "))
            .filter(b -> !b.isEmpty())
            .toList();
    assertThat(bodies.size() - new HashSet<>(bodies).size())
        .as("repeated bodies are exactly the injected duplicates")
        .isEqualTo(
            summary.badRows("reviews.exact-duplicate")
                + summary.badRows("reviews.whitespace-duplicate"));
    assertThat(rows).anyMatch(r -> r.get(4).length() >= 200_000);
    assertThat(rows).anyMatch(r -> r.get(2).equals("five"));
    assertThat(rows).anyMatch(r -> r.get(5).equals("yesterday"));
    assertThat(rows).anyMatch(r -> r.get(4).contains("&amp;") && r.get(4).contains("<b>"));
    assertThat(rows).anyMatch(r -> r.get(4).chars().anyMatch(c -> c < 0x20 && c != '\t'));
  }

  @Test
  void mojibakeRowsRepairLosslessly() {
    List<String> texts = new ArrayList<>();
    validReviews().forEach(r -> texts.add(r.get(4)));
    validNews().forEach(n -> texts.add(n.path("body").asText("")));
    List<String> garbled = texts.stream().filter(t -> t.contains("Ã") || t.contains("â€")).toList();
    assertThat(garbled)
        .hasSize(summary.badRows("reviews.mojibake") + summary.badRows("news.mojibake"));
    assertThat(garbled)
        .allSatisfy(t -> assertThat(repair(t)).isNotNull().containsAnyOf("é", "ã", "ü", "’"));
  }

  @Test
  void newsSpansTheWindowInUtcWithMixedOffsets() {
    Set<LocalDate> days = new TreeSet<>();
    Set<ZoneOffset> offsets = new HashSet<>();
    for (JsonNode article : validNews()) {
      OffsetDateTime time = timestamp(article);
      if (time != null) {
        days.add(time.atZoneSameInstant(ZoneOffset.UTC).toLocalDate());
        offsets.add(time.getOffset());
      }
    }
    assertThat(days).hasSizeGreaterThanOrEqualTo(90);
    assertThat(days).allMatch(d -> !d.isBefore(END.minusDays(94)) && !d.isAfter(END));
    assertThat(offsets).contains(ZoneOffset.UTC, ZoneOffset.ofHours(-5), ZoneOffset.ofHours(1));
    assertThat(newsLines).anyMatch(l -> l.contains("\"published_at\":\"not a date\""));
    assertThat(newsLines).anyMatch(l -> l.contains("\"word_count\":\"many\""));
  }

  @Test
  void companiesAreNamedByTickerAndByName() {
    Map<String, List<String>> companies = companies();
    List<String> texts = validNews().stream().map(DemoCorpusTest::text).toList();
    long both =
        companies.keySet().stream()
            .filter(t -> texts.stream().anyMatch(x -> tagPattern(t).matcher(x).find()))
            .filter(
                t -> texts.stream().anyMatch(x -> namePattern(companies.get(t)).matcher(x).find()))
            .count();
    assertThat(both).isGreaterThanOrEqualTo(20);
    assertThat(texts.stream().anyMatch(x -> x.matches(".*(NASDAQ|NYSE):[A-Z].*")))
        .as("NASDAQ:T")
        .isTrue();
    assertThat(texts.stream().anyMatch(x -> x.matches(".*(NASDAQ|NYSE): [A-Z].*")))
        .as("NYSE: T")
        .isTrue();
    assertThat(texts.stream().anyMatch(x -> mentioned(x).size() >= 2)).as("two companies").isTrue();
    for (String trap : List.of("Orchard Apple pie festival", "harvest table", "Novexa")) {
      assertThat(newsLines.stream().anyMatch(line -> line.contains(trap))).as(trap).isTrue();
    }
  }

  @Test
  void theSurgeStandsOutOnItsDay() {
    Map<String, Integer> negativeByTickerDay = new HashMap<>();
    List<String> surgeHeadlines = new ArrayList<>();
    for (JsonNode article : validNews()) {
      OffsetDateTime time = timestamp(article);
      boolean negative =
          "bearish".equals(article.path("sentiment").asText())
              || NEGATIVE_HEADLINE.matcher(article.path("headline").asText()).find();
      if (time == null || !negative) {
        continue;
      }
      LocalDate day = time.atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
      for (String ticker : mentioned(text(article))) {
        negativeByTickerDay.merge(ticker + "@" + day, 1, Integer::sum);
        if (ticker.equals("NVX") && day.equals(SURGE)) {
          surgeHeadlines.add(article.path("headline").asText());
        }
      }
    }
    int surge = negativeByTickerDay.remove("NVX@" + SURGE);
    int busiestOther = negativeByTickerDay.values().stream().max(Integer::compare).orElse(0);
    assertThat(surge).isGreaterThanOrEqualTo(SURGE_ARTICLES).isGreaterThan(3 * busiestOther);
    assertThat(new HashSet<>(surgeHeadlines))
        .as("distinct surge headlines")
        .hasSizeGreaterThanOrEqualTo(SURGE_ARTICLES);
  }

  @Test
  void aLabelledSubsetExists() {
    List<JsonNode> articles = validNews();
    List<String> labels =
        articles.stream()
            .filter(a -> a.has("sentiment"))
            .map(a -> a.get("sentiment").asText())
            .toList();
    assertThat((double) labels.size() / articles.size()).isBetween(0.25, 0.55);
    assertThat(new TreeSet<>(labels)).containsExactly("bearish", "bullish", "neutral");
  }

  @Test
  void mixedNewsIsGoodForOneCompanyAndBadForTheOtherInHeadlineAndBody() {
    Map<String, String> tickerByFullName = new HashMap<>();
    companies().forEach((ticker, names) -> tickerByFullName.put(names.get(0), ticker));
    List<JsonNode> mixed =
        validNews().stream().filter(a -> a.path("entities").size() == 2 && !a.has("sentiment")).toList();
    assertThat(mixed).as("labelled mixed articles").hasSizeGreaterThanOrEqualTo(10);
    for (JsonNode article : mixed) {
      Map<String, String> sentimentByTicker = new TreeMap<>();
      article.get("entities").forEach(e -> sentimentByTicker.put(tickerByFullName.get(e.get("entity").asText()), e.get("sentiment").asText()));
      assertThat(new TreeSet<>(sentimentByTicker.values())).as(article.toString()).containsExactly("bearish", "bullish");
      assertThat(sentimentByTicker.keySet()).as("full names of two companies: " + article).doesNotContainNull().hasSize(2);
      assertThat(mentioned(article.get("headline").asText())).as("headline " + article).containsAll(sentimentByTicker.keySet());
      assertThat(mentioned(article.get("body").asText())).as("body " + article).containsAll(sentimentByTicker.keySet());
    }
    long unlabelledMixed =
        validNews().stream()
            .filter(a -> !a.has("sentiment") && !a.has("entities") && mentioned(a.path("headline").asText()).size() == 2)
            .count();
    assertThat(unlabelledMixed).as("most mixed articles, like most news, carry no label").isGreaterThan(mixed.size());
  }

  @Test
  void quietCompaniesStayUnderTheAlertsVolumeFloor() {
    Map<String, Integer> byTickerDay = new HashMap<>();
    for (JsonNode article : validNews()) {
      OffsetDateTime time = timestamp(article);
      if (time != null) {
        LocalDate day = time.atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
        mentioned(text(article)).forEach(ticker -> byTickerDay.merge(ticker + "@" + day, 1, Integer::sum));
      }
    }
    byTickerDay.remove("NVX@" + SURGE);
    assertThat(byTickerDay.values().stream().max(Integer::compare).orElseThrow())
        .as("documents naming a quiet company in a day (alerts.min-documents = 5)").isLessThan(5);
  }

  @Test
  void labelledSingleCompanyNewsLabelsItsCompanyAndCallsASecondOneNeutral() {
    Map<String, String> tickerByFullName = new HashMap<>();
    companies().forEach((ticker, names) -> tickerByFullName.put(names.get(0), ticker));
    List<JsonNode> labelled =
        validNews().stream().filter(a -> a.has("sentiment") && !a.path("headline").asText().contains("Orchard Apple pie")).toList();
    List<JsonNode> aboutACompany = labelled.stream().filter(a -> a.has("entities")).toList();
    assertThat(aboutACompany.size()).as("all labelled company news but the traps").isGreaterThan(labelled.size() * 9 / 10);
    int withSecond = 0;
    for (JsonNode article : aboutACompany) {
      JsonNode entities = article.get("entities");
      String main = tickerByFullName.get(entities.get(0).get("entity").asText());
      assertThat(main).as(article.toString()).isNotNull();
      assertThat(mentioned(text(article))).as(article.toString()).contains(main);
      assertThat(entities.get(0).get("sentiment").asText()).as(article.toString()).isEqualTo(article.get("sentiment").asText());
      for (int i = 1; i < entities.size(); i++) {
        assertThat(mentioned(article.path("body").asText())).as(article.toString()).contains(tickerByFullName.get(entities.get(i).get("entity").asText()));
        assertThat(entities.get(i).get("sentiment").asText()).as("a second company is by the way: " + article).isEqualTo("neutral");
        withSecond++;
      }
    }
    assertThat(withSecond).as("second companies labelled").isPositive();
  }

  @Test
  void settingsNameTheOffendingKey(@TempDir Path dir) {
    assertThatThrownBy(() -> new DemoSettings(dir, 1, 0, 95, 6, END, "NVX", SURGE, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("demo.reviews");
    assertThatThrownBy(() -> new DemoSettings(dir, 1, 10, 5, 6, END, "NVX", SURGE, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("demo.surge.date");
    assertThatThrownBy(() -> new DemoSettings(null, 1, 10, 95, 6, END, "NVX", SURGE, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("demo.output");
    assertThatThrownBy(
            () ->
                DemoCorpus.write(
                    new DemoSettings(dir, 1, 10, 95, 6, END, "ZZZ", SURGE, 20), companies()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("demo.surge.ticker");
  }

  // ---- helpers ----

  private static List<String> dataLines(Path dir, boolean skipHeader) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        List<String> all = Files.readAllLines(file, UTF_8);
        lines.addAll(skipHeader ? all.subList(1, all.size()) : all);
      }
    }
    return lines;
  }

  private static List<String> relativeFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> root.relativize(f).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }

  private static List<List<String>> validReviews() {
    return reviewLines.stream()
        .map(DemoCorpusTest::csvFields)
        .filter(f -> f != null && f.size() == 6)
        .toList();
  }

  private static List<JsonNode> validNews() {
    return newsLines.stream().map(DemoCorpusTest::json).filter(n -> n != null).toList();
  }

  /** Fields of one RFC 4180 line, or null when a quote is never closed. */
  private static List<String> csvFields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean inQuotes = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (inQuotes && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        field.append('"');
        i++;
      } else if (c == '"') {
        inQuotes = !inQuotes;
      } else if (c == ',' && !inQuotes) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return inQuotes ? null : fields;
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException notJson) {
      return null;
    }
  }

  private static OffsetDateTime timestamp(JsonNode article) {
    try {
      return OffsetDateTime.parse(article.path("published_at").asText());
    } catch (DateTimeParseException unparseable) {
      return null;
    }
  }

  private static String text(JsonNode article) {
    return (article.path("headline").asText("") + " " + article.path("body").asText(""))
        .replace("Orchard Apple pie", "");
  }

  private static Set<String> mentioned(String text) {
    Map<String, List<String>> companies = companies();
    return companies.keySet().stream()
        .filter(
            t ->
                tagPattern(t).matcher(text).find()
                    || namePattern(companies.get(t)).matcher(text).find())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Pattern tagPattern(String ticker) {
    return Pattern.compile(
        "(?<![\\p{L}\\p{N}])(?:\\$|(?:NASDAQ|NYSE)\\s?:\\s?)" + ticker + "(?![\\p{L}\\p{N}])");
  }

  private static Pattern namePattern(List<String> names) {
    String alternation = names.stream().map(Pattern::quote).collect(Collectors.joining("|"));
    return Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alternation + ")(?![\\p{L}\\p{N}])");
  }

  /** Windows-1252 bytes read as UTF-8, or null when that is not a clean round trip. */
  private static String repair(String text) {
    try {
      ByteBuffer bytes =
          Charset.forName("windows-1252")
              .newEncoder()
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(text));
      return UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(bytes).toString();
    } catch (CharacterCodingException notMojibake) {
      return null;
    }
  }
}
