package io.sentimentpipeline.udfs.text;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds the companies a news text is about, as tickers: cashtags ({@code $NVX}), exchange-prefixed
 * symbols ({@code NASDAQ:NVX}) and company names from a dictionary. Names match case-sensitively
 * and on word boundaries, so "Novexa" is not "Novex"; a company's exclusions are blanked out before
 * its names are looked for.
 */
public final class EntityExtractor implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Pattern CASHTAG =
      Pattern.compile("(?<![\\p{L}\\p{N}$])\\$([A-Z][A-Z0-9]{0,5}(?:\\.[A-Z]{1,2})?)(?![\\p{L}\\p{N}])");

  private final Pattern exchangeSymbol;
  private final List<CompanyPattern> companies;

  private record CompanyPattern(String ticker, String firstName, Pattern names, Pattern exclude)
      implements Serializable {}

  public EntityExtractor(List<String> exchanges, List<CompanyNames> dictionary) {
    String exchangeAlternation =
        exchanges.stream().map(Pattern::quote).collect(Collectors.joining("|"));
    this.exchangeSymbol =
        exchanges.isEmpty()
            ? null
            : Pattern.compile(
                "(?<![\\p{L}\\p{N}])(?:"
                    + exchangeAlternation
                    + ")\\s?:\\s?([A-Z][A-Z0-9]{0,5}(?:\\.[A-Z]{1,2})?)(?![\\p{L}\\p{N}])");
    this.companies = new ArrayList<>();
    for (CompanyNames company : dictionary) {
      companies.add(
          new CompanyPattern(
              company.ticker(),
              company.names().get(0),
              wordBoundaryAlternation(company.names()),
              company.exclude().isEmpty() ? null : wordBoundaryAlternation(company.exclude())));
    }
  }

  /** Distinct tickers in alphabetical order; empty for null or blank text. */
  public List<String> extract(String text) {
    TreeSet<String> tickers = new TreeSet<>();
    if (text == null || text.isBlank()) {
      return List.of();
    }
    collectGroup(CASHTAG, text, tickers);
    if (exchangeSymbol != null) {
      collectGroup(exchangeSymbol, text, tickers);
    }
    for (CompanyPattern company : companies) {
      String candidate =
          company.exclude() == null ? text : company.exclude().matcher(text).replaceAll(" ");
      if (company.names().matcher(candidate).find()) {
        tickers.add(company.ticker());
      }
    }
    return List.copyOf(tickers);
  }

  /**
   * For each ticker {@link #extract} finds, how the text names it: the first dictionary name found
   * in the text, else (a cashtag or exchange symbol) the company's first name in the dictionary,
   * else the ticker itself. What an entity-conditioned model is asked about.
   */
  public java.util.Map<String, String> mentions(String text) {
    java.util.Map<String, String> mentions = new java.util.TreeMap<>();
    for (String ticker : extract(text)) {
      mentions.put(ticker, ticker);
    }
    for (CompanyPattern company : companies) {
      if (mentions.containsKey(company.ticker())) {
        String candidate = company.exclude() == null ? text : company.exclude().matcher(text).replaceAll(" ");
        Matcher found = company.names().matcher(candidate);
        mentions.put(company.ticker(), found.find() ? found.group() : company.firstName());
      }
    }
    return mentions;
  }

  private static void collectGroup(Pattern pattern, String text, TreeSet<String> into) {
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      into.add(matcher.group(1));
    }
  }

  /** Longest names first so "Novex Dynamics" wins over "Novex" in the alternation. */
  private static Pattern wordBoundaryAlternation(List<String> phrases) {
    String alternation =
        phrases.stream()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .map(Pattern::quote)
            .collect(Collectors.joining("|"));
    return Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alternation + ")(?![\\p{L}\\p{N}])");
  }
}
