package io.sentimentpipeline.jobs.demo;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link DemoCorpus#write} wrote, so the CLI can print it and tests can reconcile the
 * pipeline's counts against it (rows read = kept + quarantined + duplicates).
 *
 * @param reviewRows CSV data lines written (headers excluded), injected bad rows included
 * @param newsRows JSON Lines written, injected bad lines included
 * @param injectedBadRows bad rows per kind, e.g. {@code reviews.malformed-line -> 2}, sorted by key
 */
public record DemoCorpusSummary(
    int reviewRows, int newsRows, Map<String, Integer> injectedBadRows) {

  public DemoCorpusSummary {
    if (reviewRows < 0 || newsRows < 0) {
      throw new IllegalArgumentException("row counts must not be negative");
    }
    injectedBadRows = Collections.unmodifiableSortedMap(new TreeMap<>(injectedBadRows));
  }

  /** Review and news records together. */
  public int totalRows() {
    return reviewRows + newsRows;
  }

  /** Injected rows of one kind; 0 for a kind that was not injected. */
  public int badRows(String kind) {
    return injectedBadRows.getOrDefault(kind, 0);
  }

  /** Injected rows whose kind starts with {@code prefix}, e.g. {@code "reviews."}. */
  public int badRowsStartingWith(String prefix) {
    return injectedBadRows.entrySet().stream()
        .filter(entry -> entry.getKey().startsWith(prefix))
        .mapToInt(Map.Entry::getValue)
        .sum();
  }
}
