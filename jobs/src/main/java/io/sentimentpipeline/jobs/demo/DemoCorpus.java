package io.sentimentpipeline.jobs.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes the synthetic demo corpus the embedded default runs on: product reviews as CSV and
 * financial news as JSON Lines, with known kinds of bad rows mixed in (so ingest, cleaning,
 * quarantine and dedupe have real work and the counts can be reconciled) and one negative news
 * surge (so the alerts job has something to find). The same settings and company map give the same
 * bytes: every choice comes from the seed, none from the clock or from hash order.
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
  private static final int REVIEW_DAYS = 120;
  private static final int OVERSIZED_CHARS = 200_000;

  /** Duplicates land at most this many rows after the row they copy. */
  private static final int DUPLICATE_DISTANCE = 50;

  /** Added to the seed for the news, so changing the review count leaves the news unchanged. */
  private static final long NEWS_STREAM = 0x6E657773L;

  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
  private static final String NOT_JSON =
      "ERROR 502 upstream feed timeout - partial export, retry later";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)\\}");
  private static final DateTimeFormatter NEWS_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

  // ---- Reviews: vocabulary by rating, index 0 = 1 star ... 4 = 5 stars ----

  private static final List<String> PRODUCTS =
      List.of(
          "wireless headphones",
          "blender",
          "running shoes",
          "coffee maker",
          "backpack",
          "desk lamp",
          "electric kettle",
          "yoga mat",
          "phone case",
          "air fryer",
          "smartwatch",
          "office chair",
          "water bottle",
          "bluetooth speaker",
          "robot vacuum",
          "rain jacket");

  private static final List<List<String>> REVIEW_TITLES =
      List.of(
          List.of("Terrible", "Broke quickly", "Waste of money", "Avoid", "Awful, just awful"),
          List.of("Disappointed", "Not great", "Below expectations", "Would not buy again", "Meh"),
          List.of("It's okay", "Average", "Mixed feelings", "Does the job", "Fine, nothing more"),
          List.of("Very good", "Happy with it", "Solid choice", "Good value", "Works well"),
          List.of(
              "Love it", "Excellent", "Best purchase this year", "Highly recommend", "Brilliant"));

  private static final List<List<String>> REVIEW_SENTENCES =
      List.of(
          List.of(
              "Terrible {product}, it broke after {n} days.",
              "Complete waste of money, the worst purchase I have ever made.",
              "Awful {aspect}, defective right out of the box, avoid at all costs.",
              "Stopped working within {n} days and the refund was a nightmare.",
              "Horrible quality, cheap plastic, and it smells burnt.",
              "Useless and badly made, I want my money back.",
              "Do not buy this {product}, {person} hated it and so did I.",
              "Zero stars if I could: the \"{feature}\" button never worked.",
              "The {aspect} is a disaster and support ignored my {n} emails."),
          List.of(
              "Disappointed with this {product}, the {aspect} is poor.",
              "The {aspect} started failing after {n} weeks, not great.",
              "Not worth the money, it feels cheap and flimsy.",
              "Customer support was slow and unhelpful when it broke.",
              "Below expectations, I would not recommend it.",
              "Annoying {aspect} and weak {flaw}, I regret buying it.",
              "It arrived {n} days late with a scratched case.",
              "Returned the {product} after {n} days, too many problems."),
          List.of(
              "It's okay, the {aspect} is fine but the {flaw} is mediocre.",
              "Average {product}, nothing special but it works.",
              "Some things I like, some I don't, so three stars.",
              "Decent for the price, though I expected more after {n} weeks.",
              "Neither great nor terrible, it does what it says.",
              "The {aspect} is acceptable, the {flaw} is just so-so.",
              "Mixed feelings: reasonable {aspect}, average {flaw}.",
              "It works, but I'm not sure I would buy this {product} again."),
          List.of(
              "Pretty good {product} overall, happy with the purchase.",
              "The {aspect} is solid and it does the job well.",
              "Good value, and the {aspect} is better than expected.",
              "Works nicely after {n} weeks, no complaints so far.",
              "Comfortable, reliable and easy to use, I would buy it again.",
              "Nice upgrade over my old {product}, the {aspect} is much better.",
              "Arrived {when} and works as described, pleased with it.",
              "Recommended, {person} likes it too."),
          List.of(
              "Absolutely love this {product}, it works perfectly every single day.",
              "Best {product} I have ever owned, and the {aspect} is excellent.",
              "Five stars: the {aspect} is outstanding and it arrived {when}.",
              "I bought a second one for {person} because it is that good.",
              "Fantastic quality for the price, highly recommend it to anyone.",
              "After {n} weeks of daily use it still performs flawlessly.",
              "The {aspect} exceeded my expectations, a truly brilliant product.",
              "Setup took {n} minutes and everything worked beautifully.",
              "Superb build, and the \"{feature}\" mode is a delight."));

  /** Of ten non-neutral documents, how many turn from the other side's opinion to their own. */
  private static final int TURN_IN_TEN = 4;

  /**
   * How a turn frames its two opinions. The word before each opinion ("this:") and after it
   * ("That") are the same for both, so no word pair next to an opinion tells which came first.
   */
  private static final List<List<String>> TURN_FRAMES =
      List.of(
          List.of("At first I would have said this:", "Now I would say this:"),
          List.of("Early on the verdict was this:", "In the end the verdict is this:"),
          List.of("The first impression was this:", "The lasting impression is this:"));

  /** Star rating, then a body with markup and entities that cleaning must strip. */
  private static final List<String> REVIEW_HTML =
      List.of(
          "5|<p>Works <b>great</b> &amp; arrived early &#8212; 5&nbsp;stars for this"
              + " {product}!</p>",
          "1|<div>Stopped working after <i>{n} days</i>. Total junk &lt;sigh&gt;<br/>Avoid this"
              + " {product}.</div>");

  /** Star rating, then clean text that is written as UTF-8 bytes decoded as Windows-1252. */
  private static final List<String> REVIEW_MOJIBAKE =
      List.of(
          "5|Perfect {product} for my café corner — it’s quiet, elegant and très chic.",
          "1|Le {product} est cassé — it’s broken after {n} días, très déçu.");

  /** Values for the word placeholders of all templates (looked up by key, never iterated). */
  private static final Map<String, List<String>> WORDS =
      Map.ofEntries(
          Map.entry(
              "aspect",
              List.of(
                  "battery life", "build quality", "sound", "design", "finish", "grip", "motor")),
          Map.entry("flaw", List.of("manual", "packaging", "noise level", "cable", "lid", "strap")),
          Map.entry("feature", List.of("quick start", "eco", "turbo", "night", "auto")),
          Map.entry("when", List.of("early", "on time", "the next day", "two days early")),
          Map.entry("person", List.of("my wife", "my son", "my neighbour", "my sister", "my dad")),
          Map.entry(
              "quarter",
              List.of("first-quarter", "second-quarter", "third-quarter", "fourth-quarter")),
          Map.entry("city", List.of("Denver", "Austin", "Toronto", "Rotterdam", "Lyon", "Osaka")),
          Map.entry("region", List.of("Europe", "Southeast Asia", "Latin America", "Africa")),
          Map.entry(
              "executive",
              List.of(
                  "Maria Chen", "David Okafor", "Priya Raman", "Tom Eriksen", "Laura Benedetti")),
          Map.entry(
              "conference",
              List.of("Global Technology Conference", "Industrials Forum", "Investor Days")));

  // ---- News ----

  private record Source(String name, ZoneOffset offset) {}

  private static final List<Source> SOURCES =
      List.of(
          new Source("Wire Daily", ZoneOffset.ofHours(-5)),
          new Source("Market Ledger", ZoneOffset.UTC),
          new Source("Bay Street Journal", ZoneOffset.ofHours(-4)),
          new Source("Capital Courier", ZoneOffset.ofHours(1)),
          new Source("Ticker Tribune", ZoneOffset.ofHours(-8)),
          new Source("Finance Pulse", ZoneOffset.ofHours(2)),
          new Source("Asia Markets Desk", ZoneOffset.ofHours(9)),
          new Source("Mumbai Money Wire", ZoneOffset.ofHoursMinutes(5, 30)));

  private enum Tone {
    NEGATIVE("bearish"),
    NEUTRAL("neutral"),
    POSITIVE("bullish");

    final String label;

    Tone(String label) {
      this.label = label;
    }
  }

  /** How an article names its company: both, only by name, only by ticker. */
  private enum Mention {
    BOTH,
    NAME,
    TICKER
  }

  /** A headline and the body's first sentence; {co} is the company as this article names it. */
  private record Story(String headline, String lead) {}

  private static final List<Story> POSITIVE_STORIES =
      List.of(
          new Story(
              "{co} beats estimates as revenue climbs {pct}%",
              "{co} reported {quarter} revenue of ${amount} million, comfortably ahead of analyst"
                  + " estimates."),
          new Story(
              "{co} raises full-year guidance",
              "{co} raised its full-year guidance on {weekday}, citing strong demand in its main"
                  + " markets."),
          new Story(
              "{co} wins ${amount} million contract",
              "{co} won a ${amount} million multi-year contract, the largest in its history."),
          new Story(
              "{co} shares jump {pct}% on record orders",
              "Shares of {co} jumped {pct}% after the company reported record orders."),
          new Story(
              "Analysts upgrade {co} to buy",
              "Two brokers upgraded {co} to buy, pointing to accelerating growth and strong"
                  + " margins."),
          new Story(
              "{co} posts record profit and lifts dividend",
              "{co} posted a record quarterly profit and lifted its dividend to {cents} cents a"
                  + " share."),
          new Story(
              "{co} expands in {region} as sales surge",
              "{co} said sales in {region} surged {pct}% and it will open new sites there."));

  private static final List<Story> NEGATIVE_STORIES =
      List.of(
          new Story(
              "{co} misses estimates as sales slump",
              "{co} reported {quarter} revenue of ${amount} million, missing analyst estimates by a"
                  + " wide margin."),
          new Story(
              "{co} recalls {n},000 units over safety defect",
              "{co} is recalling about {n},000 units after reports of a dangerous defect."),
          new Story(
              "Regulators open probe into {co}",
              "Regulators opened a probe into {co} over possible misstatements in its filings."),
          new Story(
              "{co} faces investor lawsuit",
              "{co} was hit with a class-action lawsuit accusing it of misleading investors."),
          new Story(
              "{co} shares plunge {pct}% after weak outlook",
              "Shares of {co} plunged {pct}% after the company cut its outlook and warned of"
                  + " losses."),
          new Story(
              "{co} downgraded to sell",
              "Analysts downgraded {co} to sell, citing shrinking margins and weak demand."),
          new Story(
              "{co} announces {n}00 layoffs",
              "{co} said it will lay off {n}00 workers as orders decline."));

  private static final List<Story> NEUTRAL_STORIES =
      List.of(
          new Story(
              "{co} to present at {conference}",
              "{co} said its executives will present at the {conference} next week."),
          new Story(
              "{co} appoints {executive} as chief financial officer",
              "{co} appointed {executive} as chief financial officer, effective next month."),
          new Story(
              "{co} keeps quarterly dividend unchanged",
              "{co} kept its quarterly dividend unchanged at {cents} cents per share."),
          new Story(
              "{co} sets date for {quarter} earnings call",
              "{co} will report {quarter} results on {weekday} after the market close."),
          new Story(
              "{co} moves regional office to {city}",
              "{co} completed the previously announced move of its regional office to {city}."),
          new Story(
              "{co} holds annual shareholder meeting",
              "{co} held its annual shareholder meeting in {city}, where all board nominees were"
                  + " elected."));

  private static final List<String> POSITIVE_FOLLOW_UPS =
      List.of(
          "Management said margins improved for the third straight quarter.",
          "Analysts lifted their price targets after the strong results.",
          "The company said its order backlog hit a record high.",
          "Investors cheered the upbeat forecast.",
          "Executives said demand remains robust heading into next year.",
          "The stock is up {pct}% so far this year.",
          "Several brokers called the quarter a clear beat.",
          "Free cash flow rose to ${amount} million.");

  private static final List<String> NEGATIVE_FOLLOW_UPS =
      List.of(
          "Analysts cut their price targets after the disappointing results.",
          "The company warned that losses could widen next quarter.",
          "Investors worried about weak demand and rising costs.",
          "The stock is down {pct}% so far this year.",
          "Executives declined to say when the problems would be fixed.",
          "Credit analysts warned of pressure on the company's debt rating.",
          "Several brokers called the quarter a clear miss.",
          "Customers have complained about delays and defects for months.");

  private static final List<String> NEUTRAL_FOLLOW_UPS =
      List.of(
          "The company did not provide further details.",
          "A webcast will be available on its investor relations site.",
          "The announcement was in line with earlier guidance.",
          "Shares were little changed in afternoon trading.",
          "A spokesperson declined to comment beyond the statement.",
          "The next update is expected at the end of the quarter.");

  /** Placeholders a story's headline and lead may share ({co} aside). */
  private static final List<String> STORY_PLACEHOLDERS =
      List.of(
          "n", "pct", "amount", "cents", "quarter", "city", "region", "conference", "executive");

  /** Half the articles name the company both ways, a quarter only by name, a quarter by ticker. */
  private static final List<Mention> MENTION_MIX =
      List.of(Mention.BOTH, Mention.BOTH, Mention.NAME, Mention.TICKER);

  /** A sentence naming a second company ({co2}); neutral so it does not change the tone. */
  private static final List<String> SECOND_COMPANY =
      List.of(
          "Peer {co2} was little changed on the day.",
          "The company competes with {co2} in several markets.",
          "It also has a supply agreement with {co2}.",
          "Analysts often compare it with {co2}.");

  private static final List<String> SURGE_HEADLINES =
      List.of(
          "{co} shares plunge {pct}% after surprise profit warning",
          "{co} recalls {n},000 devices after safety failures",
          "Regulators widen {co} probe as {n} new complaints surface",
          "{co} hit with {n} investor lawsuits as losses mount",
          "{co} CEO quits as accounting scandal wipes {pct}% off shares",
          "Analysts slash {co} price targets by {pct}% after dismal guidance",
          "{co} suspends shipments, warns of ${amount} million loss",
          "{co} downgraded by {n} brokers as rout deepens",
          "{co} bonds slump to {cents} cents on default fears",
          "{co} loses biggest customer, shares tumble {pct}%");

  private static final List<String> SURGE_LEADS =
      List.of(
          "Shares of {co} fell {pct}% on {weekday} as the bad news rattled investors.",
          "{co} is in crisis after a string of failures, with the stock down {pct}% this week.",
          "Investors dumped {co} after the company admitted serious problems.",
          "{co} faces mounting losses, lawsuits and a regulatory probe.");

  /** Neutral stories whose words look like company names but are not (the dictionary's traps). */
  private static final List<Story> TRAP_STORIES =
      List.of(
          new Story(
              "Orchard Apple pie festival returns this weekend",
              "Bakers from across the valley will compete at the Orchard Apple pie festival on"
                  + " {weekday}. Organizers expect about {n},000 visitors and live music."),
          new Story(
              "Recipe: an autumn supper for a long harvest table",
              "Set a rustic harvest table with roasted squash, bread and cider."
                  + " The menu serves {n} guests and takes about two hours."),
          new Story(
              "Design studio Novexa opens a maker space in {city}",
              "Novexa, a small design studio, opened a community maker space in {city} on"
                  + " {weekday}. The founders said classes start next month."));

  private static final List<String> NEWS_HTML =
      List.of(
          "POSITIVE|<p><b>{name}</b> ({tag}) shares jump {pct}% after a strong beat &amp; guidance"
              + " raise &#8212; analysts&nbsp;cheer</p>",
          "NEGATIVE|<div><p>{name} ({tag}) &lt;profit warning&gt;: shares <i>plunge</i> {pct}%"
              + " after a costly recall</p><br/></div>");

  private static final List<String> NEWS_MOJIBAKE =
      List.of(
          "POSITIVE|{name} ({tag}) says its café partners in Zürich had a strong quarter — sales up"
              + " {pct}%, a clear beat.",
          "NEGATIVE|{name} ({tag}) says the São Paulo plant is closed — revenue down {pct}%, a"
              + " painful miss.");

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

  private record Company(String ticker, List<String> names, String exchange) {}

  private static List<Company> companies(
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

  // ---- Reviews ----

  private enum Shape {
    COMPLETE,
    UNTERMINATED_QUOTE,
    THREE_FIELDS
  }

  private record Review(
      String product, String rating, String title, String body, String createdAt, Shape shape) {

    /** A new row with the same values: written with its own id. */
    Review copy() {
      return new Review(product, rating, title, body, createdAt, shape);
    }

    Review withBody(String newBody) {
      return new Review(product, rating, title, newBody, createdAt, shape);
    }

    Review withRating(String newRating) {
      return new Review(product, newRating, title, body, createdAt, shape);
    }

    Review withCreatedAt(String newCreatedAt) {
      return new Review(product, rating, title, body, newCreatedAt, shape);
    }

    /** Control and zero-width characters between words; removing them restores the body. */
    Review withControlChars(int variant) {
      int space = body.indexOf(' ');
      String head = body.substring(0, space);
      String tail = body.substring(space);
      return withBody(
          variant == 0
              ? "\uFEFF" + head + "\u0007\u200B" + tail
              : head + "\u0001" + tail + "\u001B\u200D");
    }

    /** Quotes are dropped from title and body so the only quote is the one the shape adds. */
    Review withShape(Shape newShape) {
      return new Review(product, rating, title, body.replace("\"", ""), createdAt, newShape);
    }

    String toCsv(String id) {
      return switch (shape) {
        case COMPLETE ->
            Stream.of(id, product, rating, title, body, createdAt)
                .map(DemoCorpus::csvField)
                .collect(Collectors.joining(","));
        case UNTERMINATED_QUOTE ->
            id + "," + product + "," + rating + ",\"" + title + "," + body + "," + createdAt;
        case THREE_FIELDS -> id + "," + product + "," + rating;
      };
    }
  }

  /** Generates review rows; one instance per corpus, as it remembers the bodies it produced. */
  private static final class ReviewGenerator {
    private final Random random;
    private final LocalDate endDate;
    private final Set<String> bodies = new HashSet<>();

    ReviewGenerator(Random random, LocalDate endDate) {
      this.random = random;
      this.endDate = endDate;
    }

    List<String> lines(int cleanCount, Map<String, Integer> injected) {
      List<Review> clean = new ArrayList<>();
      for (int i = 0; i < cleanCount; i++) {
        clean.add(fresh());
      }
      Injector<Review> inject = new Injector<>(random, clean, injected);
      injectBadRows(inject);
      Map<Review, String> ids = new IdentityHashMap<>();
      List<String> lines = new ArrayList<>();
      for (Review review : inject.mixed()) {
        String id = ids.computeIfAbsent(review, r -> String.format("r-%06d", ids.size() + 1));
        lines.add(review.toCsv(id));
      }
      return lines;
    }

    private void injectBadRows(Injector<Review> inject) {
      inject.anywhere(
          "reviews.malformed-line", slot -> fresh().withShape(Shape.UNTERMINATED_QUOTE));
      inject.anywhere("reviews.malformed-line", slot -> fresh().withShape(Shape.THREE_FIELDS));
      for (int i = 0; i < 2; i++) {
        inject.anywhere("reviews.missing-text", slot -> fresh().withBody(""));
      }
      for (String blank : List.of("   ", " \t  \t ")) {
        inject.anywhere("reviews.blank-text", slot -> fresh().withBody(blank));
      }
      for (String entry : REVIEW_HTML) {
        inject.anywhere("reviews.html", slot -> fromTemplate(entry, false));
      }
      for (String entry : REVIEW_MOJIBAKE) {
        inject.anywhere("reviews.mojibake", slot -> fromTemplate(entry, true));
      }
      inject.repeat("reviews.exact-duplicate", review -> review);
      inject.repeat("reviews.exact-duplicate", Review::copy);
      for (int i = 0; i < 2; i++) {
        inject.repeat("reviews.whitespace-duplicate", r -> r.withBody(extraWhitespace(r.body())));
      }
      for (String date : List.of("31/02/2026", "yesterday")) {
        inject.anywhere("reviews.unparseable-date", slot -> fresh().withCreatedAt(date));
      }
      for (int i = 0; i < 2; i++) {
        inject.anywhere("reviews.oversized-text", slot -> oversized(fresh()));
      }
      inject.anywhere("reviews.wrong-type", slot -> fresh(5).withRating("five"));
      inject.anywhere("reviews.wrong-type", slot -> fresh(4).withRating("4.5"));
      inject.anywhere("reviews.control-chars", slot -> fresh().withControlChars(0));
      inject.anywhere("reviews.control-chars", slot -> fresh().withControlChars(1));
    }

    private Review fresh() {
      return fresh(1 + random.nextInt(5));
    }

    /** A valid review with a body no other review has. */
    private Review fresh(int rating) {
      String product = pick(random, PRODUCTS);
      String title = pick(random, REVIEW_TITLES.get(rating - 1));
      String body =
          draw(
              () -> rating != 3 && random.nextInt(10) < TURN_IN_TEN
                  ? turn(REVIEW_SENTENCES.get(5 - rating), REVIEW_SENTENCES.get(rating - 1), Map.of("product", product), random)
                  : body(rating, product, 1 + random.nextInt(4)),
              bodies::add);
      return new Review(
          product, Integer.toString(rating), title, body, timestamp(), Shape.COMPLETE);
    }

    /** Distinct sentences for the rating, now and then one from the neighbouring rating. */
    private String body(int rating, String product, int sentences) {
      int neighbour =
          switch (rating) {
            case 1 -> 2;
            case 2 -> 1;
            case 4 -> 5;
            case 5 -> 4;
            default -> 3;
          };
      List<String> chosen = new ArrayList<>();
      while (chosen.size() < sentences) {
        int from = random.nextInt(5) == 0 ? neighbour : rating;
        String template = pick(random, REVIEW_SENTENCES.get(from - 1));
        if (!chosen.contains(template)) {
          chosen.add(template);
        }
      }
      return chosen.stream()
          .map(template -> fill(template, Map.of("product", product), random))
          .collect(Collectors.joining(" "));
    }

    /** "rating|template" from one of the HTML or mojibake lists. */
    private Review fromTemplate(String entry, boolean asMojibake) {
      int rating = Integer.parseInt(entry.substring(0, entry.indexOf('|')));
      Review review = fresh(rating);
      String text =
          fill(
              entry.substring(entry.indexOf('|') + 1), Map.of("product", review.product()), random);
      return review.withBody(asMojibake ? mojibake(text) : text);
    }

    /** The review's body followed by more sentences of its rating, to about 200,000 chars. */
    private Review oversized(Review review) {
      List<String> pool = REVIEW_SENTENCES.get(Integer.parseInt(review.rating()) - 1);
      StringBuilder text = new StringBuilder(review.body());
      while (text.length() < OVERSIZED_CHARS) {
        text.append(' ')
            .append(fill(pick(random, pool), Map.of("product", review.product()), random));
      }
      return review.withBody(text.toString());
    }

    private String timestamp() {
      LocalDate day = endDate.minusDays(random.nextInt(REVIEW_DAYS));
      OffsetDateTime time =
          day.atStartOfDay().atOffset(ZoneOffset.UTC).plusSeconds(random.nextInt(86_400));
      return DateTimeFormatter.ISO_INSTANT.format(time.toInstant());
    }
  }

  // ---- News ----

  /** One JSON line; {@code malformed} (with an {id} placeholder) replaces the JSON when set. */
  private record Article(
      LocalDate day,
      String publishedAt,
      String source,
      String headline,
      String body,
      String sentiment,
      String wordCount,
      String malformed) {

    /** A well-formed article whose word count is computed from the body. */
    Article(
        LocalDate day,
        String publishedAt,
        String source,
        String headline,
        String body,
        String sentiment) {
      this(day, publishedAt, source, headline, body, sentiment, null, null);
    }

    /** A new line with the same values: written with its own id. */
    Article copy() {
      return new Article(day, publishedAt, source, headline, body, sentiment, wordCount, malformed);
    }

    Article withBody(String newBody) {
      return new Article(
          day, publishedAt, source, headline, newBody, sentiment, wordCount, malformed);
    }

    Article withPublishedAt(String newPublishedAt) {
      return new Article(
          day, newPublishedAt, source, headline, body, sentiment, wordCount, malformed);
    }

    Article withWordCount(String newWordCount) {
      return new Article(
          day, publishedAt, source, headline, body, sentiment, newWordCount, malformed);
    }

    Article asMalformed(String text) {
      return new Article(day, publishedAt, source, headline, body, sentiment, wordCount, text);
    }

    String toJson(String id, ObjectMapper mapper) {
      if (malformed != null) {
        return malformed.replace("{id}", id);
      }
      ObjectNode node = mapper.createObjectNode();
      node.put("id", id);
      node.put("published_at", publishedAt);
      node.put("source", source);
      node.put("headline", headline);
      if (body != null) {
        node.put("body", body);
      }
      if (sentiment != null) {
        node.put("sentiment", sentiment);
      }
      if (wordCount != null) {
        node.put("word_count", wordCount);
      } else {
        node.put(
            "word_count", body == null || body.isBlank() ? 0 : body.strip().split("\\s+").length);
      }
      try {
        return mapper.writeValueAsString(node);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot serialise article " + id, e);
      }
    }
  }

  /** Generates news lines; one instance per corpus, as it remembers bodies and headlines. */
  private static final class NewsGenerator {
    private final Random random;
    private final DemoSettings settings;
    private final List<Company> companies;
    private final Set<String> bodies = new HashSet<>();
    private final Set<String> surgeHeadlines = new HashSet<>();
    private int companyArticles;

    NewsGenerator(Random random, DemoSettings settings, List<Company> companies) {
      this.random = random;
      this.settings = settings;
      this.companies = companies;
    }

    Map<YearMonth, List<String>> linesByMonth(Map<String, Integer> injected) {
      List<Article> clean = new ArrayList<>();
      for (int i = 0; i < settings.newsDays(); i++) {
        clean.addAll(day(settings.firstNewsDay().plusDays(i), i));
      }
      Injector<Article> inject = new Injector<>(random, clean, injected);
      injectBadLines(inject, slot -> clean.get(Math.min(slot, clean.size() - 1)).day());
      ObjectMapper mapper = new ObjectMapper();
      Map<Article, String> ids = new IdentityHashMap<>();
      Map<YearMonth, List<String>> byMonth = new TreeMap<>();
      for (Article article : inject.mixed()) {
        String id = ids.computeIfAbsent(article, a -> String.format("n-%06d", ids.size() + 1));
        byMonth
            .computeIfAbsent(YearMonth.from(article.day()), month -> new ArrayList<>())
            .add(article.toJson(id, mapper));
      }
      return byMonth;
    }

    /** A day's articles in time order: quiet-day news, a trap story every tenth day, the surge. */
    private List<Article> day(LocalDate day, int dayIndex) {
      List<Article> articles = new ArrayList<>();
      double volume = 0.7 + 0.6 * random.nextDouble();
      int count = Math.max(1, (int) Math.round(settings.newsPerDay() * volume));
      for (int i = 0; i < count; i++) {
        articles.add(quietArticle(day));
      }
      if (dayIndex % 10 == 5) {
        articles.add(trapArticle(day, TRAP_STORIES.get(dayIndex / 10 % TRAP_STORIES.size())));
      }
      if (day.equals(settings.surgeDate())) {
        for (int i = 0; i < settings.surgeArticles(); i++) {
          articles.add(surgeArticle(day, i));
        }
      }
      articles.sort(Comparator.comparing(a -> OffsetDateTime.parse(a.publishedAt()).toInstant()));
      return articles;
    }

    /** The first articles name each company in turn, by name and ticker, so all are covered. */
    private Article quietArticle(LocalDate day) {
      boolean covering = companyArticles < companies.size();
      Company company = covering ? companies.get(companyArticles) : pick(random, companies);
      companyArticles++;
      Mention mention = covering ? Mention.BOTH : pick(random, MENTION_MIX);
      double roll = random.nextDouble();
      Tone tone = roll < 0.30 ? Tone.NEGATIVE : roll < 0.65 ? Tone.POSITIVE : Tone.NEUTRAL;
      return article(day, company, mention, tone);
    }

    /** A story of the given tone; its headline and lead share their numbers and names. */
    private Article article(LocalDate day, Company company, Mention mention, Tone tone) {
      Source source = pick(random, SOURCES);
      return draw(
          () -> {
            // A turn reports a neutral story and carries its tone in the turn of opinion after it.
            boolean turn = tone != Tone.NEUTRAL && random.nextInt(10) < TURN_IN_TEN;
            Story story = pick(random, stories(turn ? Tone.NEUTRAL : tone));
            Map<String, String> values = storyValues(day);
            values.put(
                "co", mention == Mention.TICKER ? tag(company) : pick(random, company.names()));
            String headline = fill(story.headline(), values, random);
            values.put("co", bodyName(company, mention));
            String body = companyBody(company, fill(story.lead(), values, random), tone, turn);
            return new Article(day, time(day, source), source.name(), headline, body, label(tone));
          },
          article -> bodies.add(article.body()));
    }

    /** Neutral, names no company, but contains a phrase that looks like one. */
    private Article trapArticle(LocalDate day, Story story) {
      Source source = pick(random, SOURCES);
      return draw(
          () -> {
            Map<String, String> values = storyValues(day);
            String headline = fill(story.headline(), values, random);
            String body = fill(story.lead(), values, random);
            return new Article(
                day, time(day, source), source.name(), headline, body, label(Tone.NEUTRAL));
          },
          article -> bodies.add(article.body()));
    }

    /** Clearly negative, names the company both ways, distinct headline, rotating sources. */
    private Article surgeArticle(LocalDate day, int index) {
      Company company =
          companies.stream()
              .filter(c -> c.ticker().equals(settings.surgeTicker()))
              .findFirst()
              .orElseThrow();
      Source source = SOURCES.get(index % SOURCES.size());
      String headlineTemplate = SURGE_HEADLINES.get(index % SURGE_HEADLINES.size());
      return draw(
          () -> {
            Map<String, String> values = storyValues(day);
            values.put("co", pick(random, company.names()));
            String headline = fill(headlineTemplate, values, random);
            values.put("co", bodyName(company, Mention.BOTH));
            String lead = fill(pick(random, SURGE_LEADS), values, random);
            String body = lead + " " + String.join(" ", followUps(NEGATIVE_FOLLOW_UPS, 2));
            return new Article(
                day, time(day, source), source.name(), headline, body, label(Tone.NEGATIVE));
          },
          article ->
              !surgeHeadlines.contains(article.headline())
                  && bodies.add(article.body())
                  && surgeHeadlines.add(article.headline()));
    }

    private void injectBadLines(Injector<Article> inject, IntFunction<LocalDate> dayAt) {
      inject.anywhere("news.malformed-line", slot -> truncated(freshArticle(dayAt.apply(slot))));
      inject.anywhere(
          "news.malformed-line", slot -> freshArticle(dayAt.apply(slot)).asMalformed(NOT_JSON));
      for (int i = 0; i < 2; i++) {
        inject.anywhere(
            "news.missing-text", slot -> freshArticle(dayAt.apply(slot)).withBody(null));
      }
      for (String blank : List.of("", " \t  ")) {
        inject.anywhere("news.blank-text", slot -> freshArticle(dayAt.apply(slot)).withBody(blank));
      }
      for (String entry : NEWS_HTML) {
        inject.anywhere("news.html", slot -> fromTemplate(entry, dayAt.apply(slot), false));
      }
      for (String entry : NEWS_MOJIBAKE) {
        inject.anywhere("news.mojibake", slot -> fromTemplate(entry, dayAt.apply(slot), true));
      }
      inject.repeat("news.exact-duplicate", article -> article);
      inject.repeat("news.exact-duplicate", Article::copy);
      for (int i = 0; i < 2; i++) {
        inject.repeat("news.whitespace-duplicate", a -> a.withBody(extraWhitespace(a.body())));
      }
      for (String date : List.of("not a date", "2026-13-45")) {
        inject.anywhere(
            "news.unparseable-date", slot -> freshArticle(dayAt.apply(slot)).withPublishedAt(date));
      }
      for (int i = 0; i < 2; i++) {
        inject.anywhere("news.oversized-text", slot -> oversized(freshArticle(dayAt.apply(slot))));
      }
      for (String count : List.of("many", "several dozen")) {
        inject.anywhere(
            "news.wrong-type", slot -> freshArticle(dayAt.apply(slot)).withWordCount(count));
      }
    }

    private Article freshArticle(LocalDate day) {
      Tone tone = pick(random, List.of(Tone.values()));
      Mention mention = pick(random, List.of(Mention.values()));
      return article(day, pick(random, companies), mention, tone);
    }

    /** JSON cut off in the middle of the headline. */
    private static Article truncated(Article article) {
      String headline = article.headline().substring(0, article.headline().length() / 2);
      return article.asMalformed(
          "{\"id\":\"{id}\",\"published_at\":\""
              + article.publishedAt()
              + "\",\"headline\":\""
              + headline);
    }

    /** "TONE|template" with {name} and {tag}, from the HTML or mojibake lists. */
    private Article fromTemplate(String entry, LocalDate day, boolean asMojibake) {
      Tone tone = Tone.valueOf(entry.substring(0, entry.indexOf('|')));
      Company company = pick(random, companies);
      Map<String, String> names = Map.of("name", company.names().get(0), "tag", tag(company));
      String text =
          draw(() -> fill(entry.substring(entry.indexOf('|') + 1), names, random), bodies::add);
      Article article = article(day, company, Mention.NAME, tone);
      return article.withBody(asMojibake ? mojibake(text) : text);
    }

    private Article oversized(Article article) {
      StringBuilder text = new StringBuilder(article.body());
      while (text.length() < OVERSIZED_CHARS) {
        text.append(' ').append(fill(pick(random, NEUTRAL_FOLLOW_UPS), Map.of(), random));
      }
      return article.withBody(text.toString());
    }

    private String bodyName(Company company, Mention mention) {
      return switch (mention) {
        case BOTH -> company.names().get(0) + " (" + tag(company) + ")";
        case NAME -> company.names().get(0);
        case TICKER -> tag(company);
      };
    }

    /**
     * The lead, then one to three follow-ups of the same tone or a turn from the opposite tone to
     * this one, sometimes a second company.
     */
    private String companyBody(Company company, String lead, Tone tone, boolean turn) {
      List<String> sentences = new ArrayList<>();
      sentences.add(lead);
      if (turn) {
        Tone opposite = tone == Tone.POSITIVE ? Tone.NEGATIVE : Tone.POSITIVE;
        sentences.add(turn(followUpPool(opposite), followUpPool(tone), Map.of(), random));
      } else {
        sentences.addAll(followUps(followUpPool(tone), 1 + random.nextInt(3)));
      }
      if (companies.size() > 1 && random.nextInt(5) == 0) {
        Company other = pick(random, companies.stream().filter(c -> !c.equals(company)).toList());
        String otherName = random.nextBoolean() ? pick(random, other.names()) : tag(other);
        sentences.add(fill(pick(random, SECOND_COMPANY), Map.of("co2", otherName), random));
      }
      return String.join(" ", sentences);
    }

    /** {@code count} distinct sentences from {@code pool}, each with its own random values. */
    private List<String> followUps(List<String> pool, int count) {
      List<String> templates = new ArrayList<>();
      while (templates.size() < Math.min(count, pool.size())) {
        String template = pick(random, pool);
        if (!templates.contains(template)) {
          templates.add(template);
        }
      }
      return templates.stream().map(t -> fill(t, Map.of(), random)).toList();
    }

    /**
     * One value per story placeholder, so a headline and its lead agree; {weekday} is the day's.
     */
    private Map<String, String> storyValues(LocalDate day) {
      Map<String, String> values = new HashMap<>();
      for (String key : STORY_PLACEHOLDERS) {
        values.put(key, randomValue(key, random));
      }
      values.put("weekday", day.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
      return values;
    }

    /** Cashtag most of the time, otherwise exchange-prefixed with or without a space. */
    private String tag(Company company) {
      int roll = random.nextInt(10);
      if (roll < 6) {
        return "$" + company.ticker();
      }
      return company.exchange() + (roll < 8 ? ":" : ": ") + company.ticker();
    }

    /**
     * Between 10:00 and 17:59 UTC, so the UTC date is {@code day}, shown in the source's offset.
     */
    private String time(LocalDate day, Source source) {
      OffsetDateTime utc =
          day.atTime(10, 0).atOffset(ZoneOffset.UTC).plusMinutes(random.nextInt(8 * 60));
      return NEWS_TIME.format(utc.withOffsetSameInstant(source.offset()));
    }

    /** About 40% of articles carry a label. */
    private String label(Tone tone) {
      return random.nextInt(10) < 4 ? tone.label : null;
    }

    private static List<Story> stories(Tone tone) {
      return switch (tone) {
        case NEGATIVE -> NEGATIVE_STORIES;
        case NEUTRAL -> NEUTRAL_STORIES;
        case POSITIVE -> POSITIVE_STORIES;
      };
    }

    private static List<String> followUpPool(Tone tone) {
      return switch (tone) {
        case NEGATIVE -> NEGATIVE_FOLLOW_UPS;
        case NEUTRAL -> NEUTRAL_FOLLOW_UPS;
        case POSITIVE -> POSITIVE_FOLLOW_UPS;
      };
    }
  }

  // ---- Shared helpers ----

  /**
   * An earlier opinion of the other side, then the current one of this side, in the same frame
   * words: both sides' words are present in equal measure and no word pair gives the order away,
   * so a bag of 1-2-grams cannot label these documents; a sentence encoder can learn to.
   */
  private static String turn(List<String> otherSide, List<String> thisSide, Map<String, String> fixed, Random random) {
    List<String> frame = pick(random, TURN_FRAMES);
    String before = fill(pick(random, otherSide), fixed, random);
    String now = fill(pick(random, thisSide), fixed, random);
    return frame.get(0) + " " + before + " That was then. " + frame.get(1) + " " + now + " That is now.";
  }


  /**
   * Places bad rows among the clean ones at seeded positions ("slots": before clean row {@code
   * slot}, or at the end), and counts them per kind.
   */
  private static final class Injector<T> {
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
  private static <T> T draw(Supplier<T> candidate, Predicate<T> accept) {
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

  private static <T> T pick(Random random, List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  /** Replaces {name} placeholders: from {@code fixed} when given, otherwise a random value. */
  private static String fill(String template, Map<String, String> fixed, Random random) {
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
  private static String randomValue(String key, Random random) {
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
  private static String csvField(String value) {
    boolean quote =
        value.contains(",")
            || value.contains("\"")
            || value.contains("\n")
            || value.contains("\r")
            || !value.equals(value.strip());
    return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }

  /** UTF-8 bytes read back as Windows-1252, the commonest mojibake ("café" becomes "cafÃ©"). */
  private static String mojibake(String text) {
    return new String(text.getBytes(UTF_8), WINDOWS_1252);
  }

  /** The same words with doubled spaces, a tab and padding: equal once whitespace is collapsed. */
  private static String extraWhitespace(String text) {
    return "\t " + text.replace(" ", "  ") + "  ";
  }

  private static void recreate(Path dir) {
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

  private static void writeLines(Path file, String header, List<String> lines) {
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
