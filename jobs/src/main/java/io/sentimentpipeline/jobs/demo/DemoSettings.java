package io.sentimentpipeline.jobs.demo;

import java.nio.file.Path;
import java.time.LocalDate;

/**
 * What the demo-corpus generator writes: where, from which seed, how many reviews and news days,
 * and the one negative news surge the alerts job is expected to find. Bound from the {@code demo}
 * block of the config and validated here, once, with messages naming the config key.
 *
 * @param output folder that receives {@code reviews/} and {@code news/} ({@code demo.output})
 * @param seed every random choice derives from it: same settings, same bytes ({@code demo.seed})
 * @param reviews clean review rows, before the injected bad rows ({@code demo.reviews})
 * @param newsDays consecutive days of news ending at {@code endDate} ({@code demo.news-days})
 * @param newsPerDay average articles per quiet day, varied by ±30% ({@code demo.news-per-day})
 * @param endDate last day of news; reviews span the 120 days up to it ({@code demo.end-date})
 * @param surgeTicker company the surge is about; must be in the company map ({@code
 *     demo.surge.ticker})
 * @param surgeDate day of the surge, inside the news window ({@code demo.surge.date})
 * @param surgeArticles extra negative articles about {@code surgeTicker} on {@code surgeDate}
 *     ({@code demo.surge.articles})
 */
public record DemoSettings(
    Path output,
    long seed,
    int reviews,
    int newsDays,
    int newsPerDay,
    LocalDate endDate,
    String surgeTicker,
    LocalDate surgeDate,
    int surgeArticles) {

  public DemoSettings {
    if (output == null) {
      throw new IllegalArgumentException("demo.output must be set to the folder to write into");
    }
    requirePositive("demo.reviews", reviews);
    requirePositive("demo.news-days", newsDays);
    requirePositive("demo.news-per-day", newsPerDay);
    requirePositive("demo.surge.articles", surgeArticles);
    if (endDate == null) {
      throw new IllegalArgumentException(
          "demo.end-date must be set (an ISO date, e.g. 2026-11-27)");
    }
    if (surgeTicker == null || surgeTicker.isBlank()) {
      throw new IllegalArgumentException("demo.surge.ticker must be a ticker from the company map");
    }
    if (surgeDate == null) {
      throw new IllegalArgumentException("demo.surge.date must be set (an ISO date)");
    }
    LocalDate firstNewsDay = endDate.minusDays(newsDays - 1L);
    if (surgeDate.isBefore(firstNewsDay) || surgeDate.isAfter(endDate)) {
      throw new IllegalArgumentException(
          "demo.surge.date must lie in the news window ["
              + firstNewsDay
              + ", "
              + endDate
              + "] set by demo.end-date and demo.news-days, got "
              + surgeDate);
    }
  }

  /** The first day that has news. */
  public LocalDate firstNewsDay() {
    return endDate.minusDays(newsDays - 1L);
  }

  private static void requirePositive(String key, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(key + " must be a positive count, got " + value);
    }
  }
}
