package io.sentimentpipeline.jobs.config;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A numeric interval of raw label values that maps to one label, written in interval notation as a
 * key of a source's {@code labels}: {@code "[-1, -0.05)" = negative}, {@code "[-0.05, 0.05]" =
 * neutral}, {@code "(0.05, 1]" = positive}. Why interval keys rather than a separate thresholds
 * block: exact values and ranges live in one mapping, each bound says whether it is included, and
 * the ranges of a source are checked not to overlap.
 */
public record LabelRange(double lower, boolean lowerInclusive, double upper, boolean upperInclusive, String label) {

  private static final Pattern SYNTAX =
      Pattern.compile("([\\[(])\\s*([-+0-9.eE]+)\\s*,\\s*([-+0-9.eE]+)\\s*([\\])])");

  /** Whether a {@code labels} key is meant as a range (starts with '[' or '('). */
  public static boolean looksLikeRange(String key) {
    String trimmed = key.strip();
    return trimmed.startsWith("[") || trimmed.startsWith("(");
  }

  /** Parses {@code key}; {@code where} names the key in errors. */
  public static LabelRange parse(String key, String label, String where) {
    Matcher m = SYNTAX.matcher(key.strip());
    if (!m.matches()) {
      throw new ConfigError(where, "is not a numeric range such as \"[-1, -0.05)\" or \"(0.05, 1]\"");
    }
    double lower;
    double upper;
    try {
      lower = Double.parseDouble(m.group(2));
      upper = Double.parseDouble(m.group(3));
    } catch (NumberFormatException e) {
      throw new ConfigError(where, "has a bound that is not a number: " + e.getMessage());
    }
    LabelRange range = new LabelRange(lower, m.group(1).equals("["), upper, m.group(4).equals("]"), label);
    if (lower > upper || (lower == upper && !(range.lowerInclusive && range.upperInclusive))) {
      throw new ConfigError(where, "is an empty range: the lower bound must be below the upper one");
    }
    return range;
  }

  /** Fails when two ranges share a value. */
  public static void checkDisjoint(List<LabelRange> ranges, String where) {
    List<LabelRange> sorted = ranges.stream().sorted(Comparator.comparingDouble(LabelRange::lower)).toList();
    for (int i = 1; i < sorted.size(); i++) {
      LabelRange a = sorted.get(i - 1);
      LabelRange b = sorted.get(i);
      if (a.upper > b.lower || (a.upper == b.lower && a.upperInclusive && b.lowerInclusive)) {
        throw new ConfigError(where, "ranges " + a.describe() + " and " + b.describe() + " overlap");
      }
    }
  }

  public boolean contains(double value) {
    boolean aboveLower = lowerInclusive ? value >= lower : value > lower;
    boolean belowUpper = upperInclusive ? value <= upper : value < upper;
    return aboveLower && belowUpper;
  }

  /** "[-1.0, -0.05)". */
  public String describe() {
    return (lowerInclusive ? "[" : "(") + lower + ", " + upper + (upperInclusive ? "]" : ")");
  }

  static Optional<LabelRange> ofEntry(String key, String label, String where) {
    return looksLikeRange(key) ? Optional.of(parse(key, label, where)) : Optional.empty();
  }
}
