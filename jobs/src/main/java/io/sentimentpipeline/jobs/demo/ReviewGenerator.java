package io.sentimentpipeline.jobs.demo;

import static io.sentimentpipeline.jobs.demo.DemoCorpus.*;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Generates the demo's review rows (CSV); one instance per corpus, as it remembers the bodies it produced. */
final class ReviewGenerator {

  // Vocabulary by rating: index 0 = 1 star ... 4 = 5 stars.
  private static final List<String> PRODUCTS = DemoVocabulary.strings("reviews", "products");

  private static final List<List<String>> REVIEW_TITLES = DemoVocabulary.stringLists("reviews", "review-titles");

  private static final List<List<String>> REVIEW_SENTENCES = DemoVocabulary.stringLists("reviews", "review-sentences");

  /** Star rating, then a body with markup and entities that cleaning must strip. */
  private static final List<String> REVIEW_HTML = DemoVocabulary.strings("reviews", "review-html");

  /** Star rating, then clean text that is written as UTF-8 bytes decoded as Windows-1252. */
  private static final List<String> REVIEW_MOJIBAKE = DemoVocabulary.strings("reviews", "review-mojibake");

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
