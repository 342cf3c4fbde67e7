package io.sentimentpipeline.jobs.config;

import io.sentimentpipeline.udfs.text.CompanyNames;
import io.sentimentpipeline.udfs.text.EntityExtractor;
import java.util.List;

/** The company dictionary and exchange prefixes used to tag news with tickers ({@code entities.*}). */
public record EntityConfig(List<String> exchanges, List<CompanyNames> companies) implements java.io.Serializable {

  public EntityConfig {
    exchanges = List.copyOf(exchanges);
    companies = List.copyOf(companies);
  }

  public EntityExtractor extractor() {
    return new EntityExtractor(exchanges, companies);
  }
}
