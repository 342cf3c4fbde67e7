package io.sentimentpipeline.jobs.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes the synthetic demo corpus the embedded default runs on: product reviews as CSV and
 * financial news as JSON Lines, with known kinds of bad rows mixed in (so ingest, cleaning,
 * quarantine and dedupe have real work and the counts can be reconciled), one negative news
 * surge (so the alerts job has something to find), and entity-level labels on the labelled news,
 * some of it good for one company and bad for another (so an entity model can be trained). The
 * same settings and company map give the same bytes: every choice comes from the seed, none from
 * the clock or from hash order. {@link
 * ReviewGenerator} and {@link NewsGenerator} write the two parts, from the words and templates in
 * {@code demo/vocabulary.json} ({@link DemoVocabulary}); this class holds what both share.
 *
 * <p>Expected fate of the bad rows under the default cleaning: {@code html}, {@code mojibake} and
 * {@code control-chars} rows are valid and kept once cleaned; {@code exact-duplicate} and {@code
 * whitespace-duplicate} rows repeat an earlier row's text and are dropped as duplicates; {@code
 * malformed-line}, {@code missing-text}, {@code blank-text} and {@code oversized-text} rows are
 * quarantined; {@code unparseable-date} and {@code wrong-type} depend on the source's rules.
 */
public final class DemoCorpus {

  /** Kinds of bad rows mixed into the reviews, each at least twice. */
  public static final List<String> REVIEW_BAD_KINDS =
      List.of(
          "reviews.malformed-line",
          "reviews.missing-text",
          "reviews.blank-text",
          "reviews.html",
          "reviews.mojibake",
          "reviews.exact-duplicate",
          "reviews.whitespace-duplicate",
          "reviews.unparseable-date",
          "reviews.oversized-text",
          "reviews.wrong-type",
          "reviews.control-chars");

  /** Kinds of bad lines mixed into the news, each at least twice. */
  public static final List<String> NEWS_BAD_KINDS =
      List.of(
          "news.malformed-line",
          "news.missing-text",
          "news.blank-text",
          "news.html",
          "news.mojibake",
          "news.exact-duplicate",
          "news.whitespace-duplicate",
          "news.unparseable-date",
          "news.oversized-text",
          "news.wrong-type");

  static final String REVIEWS_HEADER = "review_id,product,rating,title,body,created_at";
  static final int REVIEW_DAYS = 120;
  static final int OVERSIZED_CHARS = 200_000;

  /** Duplicates land at most this many rows after the row they copy. */
  static final int DUPLICATE_DISTANCE = 50;

  /** Added to the seed for the news, so changing the review count leaves the news unchanged. */
  static final long NEWS_STREAM = 0x6E657773L;

  static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
  static final String NOT_JSON =
      "ERROR 502 upstream feed timeout - partial export, retry later";
  static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)\\}");
  static final DateTimeFormatter NEWS_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

  /** Of ten non-neutral documents, how many turn from the other side's opinion to their own. */
  static final int TURN_IN_TEN = 4;

  /**
   * How a turn frames its two opinions. The word before each opinion ("this:") and after it
   * ("That") are the same for both, so no word pair next to an opinion tells which came first.
   */
  static final List<List<String>> TURN_FRAMES = DemoVocabulary.stringLists("reviews", "turn-frames");

  /** Values for the word placeholders of all templates (looked up by key, never iterated). */
  static final Map<String, List<String>> WORDS = DemoVocabulary.placeholders();

  private DemoCorpus() {}

  /**
   * Deletes and recreates {@code <output>/reviews/} and {@code <output>/news/}, then writes the
   * corpus into them.
   *
   * @param companyNamesByTicker ticker to names, full name first (e.g. {@code NVX -> [Novex
   *     Dynamics, Novex]}); iteration order does not matter, tickers are sorted
   * @throws IllegalArgumentException when the map is empty or lacks {@code demo.surge.ticker}
   * @throws UncheckedIOException when the folders cannot be replaced or written
   */
  public static DemoCorpusSummary write(
      DemoSettings settings, Map<String, List<String>> companyNamesByTicker) {
    List<Company> companies = companies(settings, companyNamesByTicker);
    Map<String, Integer> injected = new TreeMap<>();

    List<String> reviews =
        new ReviewGenerator(new Random(settings.seed()), settings.endDate())
            .lines(settings.reviews(), injected);
    Map<YearMonth, List<String>> news =
        new NewsGenerator(new Random(settings.seed() + NEWS_STREAM), settings, companies)
            .linesByMonth(injected);

    Path reviewDir = settings.output().resolve("reviews");
    Path newsDir = settings.output().resolve("news");
    recreate(reviewDir);
    recreate(newsDir);
    int half = (reviews.size() + 1) / 2;
    writeLines(reviewDir.resolve("reviews-part-1.csv"), REVIEWS_HEADER, reviews.subList(0, half));
    writeLines(
        reviewDir.resolve("reviews-part-2.csv"),
        REVIEWS_HEADER,
        reviews.subList(half, reviews.size()));
    int newsRows = 0;
    for (Map.Entry<YearMonth, List<String>> month : news.entrySet()) {
      writeLines(newsDir.resolve("news-" + month.getKey() + ".jsonl"), null, month.getValue());
      newsRows += month.getValue().size();
    }
    return new DemoCorpusSummary(reviews.size(), newsRows, injected);
  }

  record Company(String ticker, List<String> names, String exchange) {}

  static List<Company> companies(
      DemoSettings settings, Map<String, List<String>> byTicker) {
    if (byTicker == null || byTicker.isEmpty()) {
      throw new IllegalArgumentException("the company map (entities.companies) must not be empty");
    }
    if (!byTicker.containsKey(settings.surgeTicker())) {
      throw new IllegalArgumentException(
          "demo.surge.ticker '"
              + settings.surgeTicker()
              + "' is not in the company map;"
              + " pick one of "
              + new TreeMap<>(byTicker).keySet());
    }
    List<Company> companies = new ArrayList<>();
    for (String ticker : new TreeMap<>(byTicker).keySet()) {
      List<String> names = byTicker.get(ticker);
      if (names == null || names.isEmpty()) {
        throw new IllegalArgumentException("company " + ticker + " needs at least one name");
      }
      String exchange = companies.size() % 2 == 0 ? "NASDAQ" : "NYSE";
      companies.add(new Company(ticker, List.copyOf(names), exchange));
    }
    return companies;
  }

  // ---- Shared helpers ----

  /**
   * An earlier opinion of the other side, then the current one of this side, in the same frame
   * words: both sides' words are present in equal measure and no word pair gives the order away,
   * so a bag of 1-2-grams cannot label these documents; a sentence encoder can learn to.
   */
  static String turn(List<String> otherSide, List<String> thisSide, Map<String, String> fixed, Random random) {
    List<String> frame = pick(random, TURN_FRAMES);
    String before = fill(pick(random, otherSide), fixed, random);
    String now = fill(pick(random, thisSide), fixed, random);
    return frame.get(0) + " " + before + " That was then. " + frame.get(1) + " " + now + " That is now.";
  }


  /**
   * Places bad rows among the clean ones at seeded positions ("slots": before clean row {@code
   * slot}, or at the end), and counts them per kind.
   */
  static final class Injector<T> {
    private record Placed<T>(int slot, T row) {}

    private final Random random;
    private final List<T> clean;
    private final Map<String, Integer> counts;
    private final List<Placed<T>> placed = new ArrayList<>();

    Injector(Random random, List<T> clean, Map<String, Integer> counts) {
      this.random = random;
      this.clean = clean;
      this.counts = counts;
    }

    /** A row made for a random slot (news rows take their day from the slot's neighbour). */
    void anywhere(String kind, IntFunction<T> rowForSlot) {
      int slot = random.nextInt(clean.size() + 1);
      add(kind, slot, rowForSlot.apply(slot));
    }

    /**
     * A variant of a random clean row, placed shortly after it. {@code row -> row} repeats the very
     * same row, which is then written with the same id: an identical line.
     */
    void repeat(String kind, UnaryOperator<T> variant) {
      int source = random.nextInt(clean.size());
      int last = Math.min(clean.size(), source + DUPLICATE_DISTANCE);
      add(kind, source + 1 + random.nextInt(last - source), variant.apply(clean.get(source)));
    }

    private void add(String kind, int slot, T row) {
      placed.add(new Placed<>(slot, row));
      counts.merge(kind, 1, Integer::sum);
    }

    /** Clean and bad rows in file order. */
    List<T> mixed() {
      List<Placed<T>> bySlot = new ArrayList<>(placed);
      bySlot.sort(Comparator.comparingInt(Placed::slot));
      List<T> mixed = new ArrayList<>();
      int next = 0;
      for (int i = 0; i <= clean.size(); i++) {
        while (next < bySlot.size() && bySlot.get(next).slot() == i) {
          mixed.add(bySlot.get(next++).row());
        }
        if (i < clean.size()) {
          mixed.add(clean.get(i));
        }
      }
      return mixed;
    }
  }

  /** Draws seeded candidates until {@code accept} takes one, e.g. a set's add for distinct text. */
  static <T> T draw(Supplier<T> candidate, Predicate<T> accept) {
    for (int attempt = 0; attempt < 1000; attempt++) {
      T value = candidate.get();
      if (accept.test(value)) {
        return value;
      }
    }
    throw new IllegalStateException(
        "Cannot generate distinct demo texts; lower demo.reviews, demo.news-per-day or"
            + " demo.surge.articles");
  }

  static <T> T pick(Random random, List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  /** Replaces {name} placeholders: from {@code fixed} when given, otherwise a random value. */
  static String fill(String template, Map<String, String> fixed, Random random) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String key = matcher.group(1);
      String value = fixed.containsKey(key) ? fixed.get(key) : randomValue(key, random);
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** A random value for a placeholder: a small number or a word from {@link #WORDS}. */
  static String randomValue(String key, Random random) {
    return switch (key) {
      case "n" -> Integer.toString(2 + random.nextInt(13));
      case "pct" -> Integer.toString(3 + random.nextInt(30));
      case "amount" -> Integer.toString(40 + random.nextInt(900));
      case "cents" -> Integer.toString(10 + random.nextInt(80));
      default -> {
        if (!WORDS.containsKey(key)) {
          throw new IllegalStateException("no value for placeholder {" + key + "}");
        }
        yield pick(random, WORDS.get(key));
      }
    };
  }

  /**
   * RFC 4180: quoted when it holds a comma, quote, line break or edge whitespace; quotes doubled.
   */
  static String csvField(String value) {
    boolean quote =
        value.contains(",")
            || value.contains("\"")
            || value.contains("\n")
            || value.contains("\r")
            || !value.equals(value.strip());
    return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }

  /** UTF-8 bytes read back as Windows-1252, the commonest mojibake ("café" becomes "cafÃ©"). */
  static String mojibake(String text) {
    return new String(text.getBytes(UTF_8), WINDOWS_1252);
  }

  /** The same words with doubled spaces, a tab and padding: equal once whitespace is collapsed. */
  static String extraWhitespace(String text) {
    return "\t " + text.replace(" ", "  ") + "  ";
  }

  static void recreate(Path dir) {
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> paths = Files.walk(dir)) {
          for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot replace demo folder " + dir + ": " + e.getMessage(), e);
    }
  }

  static void writeLines(Path file, String header, List<String> lines) {
    try (BufferedWriter out = Files.newBufferedWriter(file, UTF_8)) {
      if (header != null) {
        out.write(header);
        out.write('\n');
      }
      for (String line : lines) {
        out.write(line);
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write demo file " + file + ": " + e.getMessage(), e);
    }
  }
}
