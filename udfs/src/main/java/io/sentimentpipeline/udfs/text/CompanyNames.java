package io.sentimentpipeline.udfs.text;

import java.io.Serializable;
import java.util.List;

/**
 * How news text names one company: its ticker, the names that mean it, and phrases that contain a
 * name but mean something else ("Apple pie" for a dictionary that lists "Apple").
 */
public record CompanyNames(String ticker, List<String> names, List<String> exclude)
    implements Serializable {

  public CompanyNames {
    if (ticker == null || ticker.isBlank()) {
      throw new IllegalArgumentException("company ticker must not be blank");
    }
    names = List.copyOf(names);
    exclude = exclude == null ? List.of() : List.copyOf(exclude);
    if (names.isEmpty() || names.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("company " + ticker + " needs at least one non-blank name");
    }
  }
}
