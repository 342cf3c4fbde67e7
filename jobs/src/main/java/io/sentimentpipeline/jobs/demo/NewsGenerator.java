package io.sentimentpipeline.jobs.demo;

import static io.sentimentpipeline.jobs.demo.DemoCorpus.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
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

/** Generates the demo's news lines (JSON); one instance per corpus, as it remembers bodies and headlines. */
final class NewsGenerator {

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

  /**
   * What an article says about one company it names ({@code entities[]} in the JSON): the company's
   * full name, as analysts label it, and the sentiment in the news source's own words.
   */
  record EntityLabel(String entity, String sentiment) {}

  private static List<Story> stories(String key) {
    return DemoVocabulary.records("news", key).stream().map(story -> new Story(story.get("headline"), story.get("lead"))).toList();
  }

  private static List<Story> mixedStories() {
    List<Story> mixed = stories("mixed-stories");
    for (Story story : mixed) {
      for (String part : List.of(story.headline(), story.lead())) {
        if (!part.contains("{up}") || !part.contains("{down}")) {
          throw new IllegalStateException("demo/vocabulary.json news.mixed-stories must name {up} and {down} in headline and lead: " + part);
        }
      }
    }
    return mixed;
  }

  private static final List<Story> POSITIVE_STORIES = stories("positive-stories");

  private static final List<Story> NEGATIVE_STORIES = stories("negative-stories");

  private static final List<Story> NEUTRAL_STORIES = stories("neutral-stories");

  private static final List<String> POSITIVE_FOLLOW_UPS = DemoVocabulary.strings("news", "positive-follow-ups");

  private static final List<String> NEGATIVE_FOLLOW_UPS = DemoVocabulary.strings("news", "negative-follow-ups");

  private static final List<String> NEUTRAL_FOLLOW_UPS = DemoVocabulary.strings("news", "neutral-follow-ups");

  /** Placeholders a story's headline and lead may share ({co} aside). */
  private static final List<String> STORY_PLACEHOLDERS =
      List.of(
          "n", "pct", "amount", "cents", "quarter", "city", "region", "conference", "executive");

  /** Half the articles name the company both ways, a quarter only by name, a quarter by ticker. */
  private static final List<Mention> MENTION_MIX =
      List.of(Mention.BOTH, Mention.BOTH, Mention.NAME, Mention.TICKER);

  /** A sentence naming a second company ({co2}); neutral so it does not change the tone. */
  private static final List<String> SECOND_COMPANY = DemoVocabulary.strings("news", "second-company");

  /**
   * Good news for one company and bad for another in one story ("{up} beats estimates as {down}
   * warns"): the news an entity model exists for. The article has no document label, only entity labels.
   */
  private static final List<Story> MIXED_STORIES = mixedStories();

  /** Of a hundred quiet-day articles (after the first that cover every company), how many are mixed. */
  static final int MIXED_IN_HUNDRED = 8;

  /**
   * Quiet-day articles name a company at most this often a day (as its subject, a party to mixed
   * news or a peer), under the alerts' default volume floor (alerts.min-documents = 5), so only the
   * surge can alert whatever the seed.
   */
  static final int QUIET_MENTIONS_PER_DAY = 4;

  private static final List<String> SURGE_HEADLINES = DemoVocabulary.strings("news", "surge-headlines");

  private static final List<String> SURGE_LEADS = DemoVocabulary.strings("news", "surge-leads");

  /** Neutral stories whose words look like company names but are not (the dictionary's traps). */
  private static final List<Story> TRAP_STORIES = stories("trap-stories");

  private static final List<String> NEWS_HTML = DemoVocabulary.strings("news", "news-html");

  private static final List<String> NEWS_MOJIBAKE = DemoVocabulary.strings("news", "news-mojibake");

  /** One JSON line; {@code malformed} (with an {id} placeholder) replaces the JSON when set. */
  private record Article(
      LocalDate day,
      String publishedAt,
      String source,
      String headline,
      String body,
      String sentiment,
      String wordCount,
      String malformed,
      List<EntityLabel> entities) {

    /** A well-formed article whose word count is computed from the body. */
    Article(
        LocalDate day,
        String publishedAt,
        String source,
        String headline,
        String body,
        String sentiment,
        List<EntityLabel> entities) {
      this(day, publishedAt, source, headline, body, sentiment, null, null, entities);
    }

    /** A new line with the same values: written with its own id. */
    Article copy() {
      return new Article(day, publishedAt, source, headline, body, sentiment, wordCount, malformed, entities);
    }

    Article withBody(String newBody) {
      return new Article(
          day, publishedAt, source, headline, newBody, sentiment, wordCount, malformed, entities);
    }

    Article withPublishedAt(String newPublishedAt) {
      return new Article(
          day, newPublishedAt, source, headline, body, sentiment, wordCount, malformed, entities);
    }

    Article withWordCount(String newWordCount) {
      return new Article(
          day, publishedAt, source, headline, body, sentiment, newWordCount, malformed, entities);
    }

    Article withEntities(List<EntityLabel> newEntities) {
      return new Article(day, publishedAt, source, headline, body, sentiment, wordCount, malformed, newEntities);
    }

    Article asMalformed(String text) {
      return new Article(day, publishedAt, source, headline, body, sentiment, wordCount, text, entities);
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
      if (!entities.isEmpty()) {
        ArrayNode labels = node.putArray("entities");
        entities.forEach(e -> labels.addObject().put("entity", e.entity()).put("sentiment", e.sentiment()));
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

  private final Random random;
  private final DemoSettings settings;
  private final List<Company> companies;
  private final Set<String> bodies = new HashSet<>();
  private final Set<String> surgeHeadlines = new HashSet<>();
  private int companyArticles;
  private final Map<String, Integer> mentionsToday = new HashMap<>();

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
    mentionsToday.clear();
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

  /**
   * The first articles name each company in turn, by name and ticker, so all are covered; then
   * {@value #MIXED_IN_HUNDRED} in a hundred are mixed news about two companies.
   */
  private Article quietArticle(LocalDate day) {
    boolean covering = companyArticles < companies.size();
    if (!covering && companies.size() > 1 && random.nextInt(100) < MIXED_IN_HUNDRED) {
      return mixedArticle(day);
    }
    Company company = covering ? companies.get(companyArticles) : pickQuiet(companies);
    mentioned(company);
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
          values.put("co", headlineName(company, mention));
          String headline = fill(story.headline(), values, random);
          values.put("co", bodyName(company, mention));
          List<String> sentences = new ArrayList<>();
          Company other = companyBody(company, fill(story.lead(), values, random), tone, turn, sentences);
          String sentiment = label(tone);
          List<EntityLabel> entities = new ArrayList<>();
          if (sentiment != null) {
            entities.add(new EntityLabel(company.names().get(0), sentiment));
            if (other != null) {
              entities.add(new EntityLabel(other.names().get(0), Tone.NEUTRAL.label));
            }
          }
          return new Article(
              day, time(day, source), source.name(), headline, String.join(" ", sentences), sentiment, List.copyOf(entities));
        },
        article -> bodies.add(article.body()));
  }

  /**
   * Good news for {@code up}, bad for {@code down}, in one story: no document label (the article is
   * neither), entity labels for both when labelled, and a neutral follow-up that favours neither.
   */
  private Article mixedArticle(LocalDate day) {
    Company up = mentioned(pickQuiet(companies));
    Company down = mentioned(pickQuiet(companies.stream().filter(c -> !c.equals(up)).toList()));
    Source source = pick(random, SOURCES);
    return draw(
        () -> {
          Story story = pick(random, MIXED_STORIES);
          Mention upMention = pick(random, MENTION_MIX);
          Mention downMention = pick(random, MENTION_MIX);
          Map<String, String> values = storyValues(day);
          values.put("up", headlineName(up, upMention));
          values.put("down", headlineName(down, downMention));
          String headline = fill(story.headline(), values, random);
          values.put("up", bodyName(up, upMention));
          values.put("down", bodyName(down, downMention));
          String body = fill(story.lead(), values, random) + " " + followUps(NEUTRAL_FOLLOW_UPS, 1).get(0);
          List<EntityLabel> entities =
              !labelled()
                  ? List.of()
                  : List.of(new EntityLabel(up.names().get(0), Tone.POSITIVE.label), new EntityLabel(down.names().get(0), Tone.NEGATIVE.label));
          return new Article(day, time(day, source), source.name(), headline, body, null, entities);
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
              day, time(day, source), source.name(), headline, body, label(Tone.NEUTRAL), List.of());
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
          String sentiment = label(Tone.NEGATIVE);
          List<EntityLabel> entities =
              sentiment == null ? List.of() : List.of(new EntityLabel(company.names().get(0), sentiment));
          return new Article(day, time(day, source), source.name(), headline, body, sentiment, entities);
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
    // The template names this company only: a second company's label would be about nothing.
    return article.withBody(asMojibake ? mojibake(text) : text).withEntities(article.entities().stream().limit(1).toList());
  }

  private Article oversized(Article article) {
    StringBuilder text = new StringBuilder(article.body());
    while (text.length() < OVERSIZED_CHARS) {
      text.append(' ').append(fill(pick(random, NEUTRAL_FOLLOW_UPS), Map.of(), random));
    }
    return article.withBody(text.toString());
  }

  /** One of {@code from} that today's quiet news has named under {@value #QUIET_MENTIONS_PER_DAY} times. */
  private Company pickQuiet(List<Company> from) {
    List<Company> quiet = from.stream().filter(c -> mentionsToday.getOrDefault(c.ticker(), 0) < QUIET_MENTIONS_PER_DAY).toList();
    return pick(random, quiet.isEmpty() ? from : quiet);
  }

  private Company mentioned(Company company) {
    mentionsToday.merge(company.ticker(), 1, Integer::sum);
    return company;
  }

  private String headlineName(Company company, Mention mention) {
    return mention == Mention.TICKER ? tag(company) : pick(random, company.names());
  }

  private String bodyName(Company company, Mention mention) {
    return switch (mention) {
      case BOTH -> company.names().get(0) + " (" + tag(company) + ")";
      case NAME -> company.names().get(0);
      case TICKER -> tag(company);
    };
  }

  /**
   * Adds to {@code sentences} the lead, then one to three follow-ups of the same tone or a turn from
   * the opposite tone to this one, sometimes a neutral sentence naming a second company, which it
   * returns (else null).
   */
  private Company companyBody(Company company, String lead, Tone tone, boolean turn, List<String> sentences) {
    sentences.add(lead);
    if (turn) {
      Tone opposite = tone == Tone.POSITIVE ? Tone.NEGATIVE : Tone.POSITIVE;
      sentences.add(turn(followUpPool(opposite), followUpPool(tone), Map.of(), random));
    } else {
      sentences.addAll(followUps(followUpPool(tone), 1 + random.nextInt(3)));
    }
    if (companies.size() > 1 && random.nextInt(5) == 0) {
      Company other = mentioned(pickQuiet(companies.stream().filter(c -> !c.equals(company)).toList()));
      String otherName = random.nextBoolean() ? pick(random, other.names()) : tag(other);
      sentences.add(fill(pick(random, SECOND_COMPANY), Map.of("co2", otherName), random));
      return other;
    }
    return null;
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

  /** About 40% of articles carry labels (a document label, entity labels or both). */
  private boolean labelled() {
    return random.nextInt(10) < 4;
  }

  private String label(Tone tone) {
    return labelled() ? tone.label : null;
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
