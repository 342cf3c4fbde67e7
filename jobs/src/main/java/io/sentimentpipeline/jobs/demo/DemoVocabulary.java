package io.sentimentpipeline.jobs.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo corpus's words, sentences and story templates, kept in the resource {@code
 * demo/vocabulary.json} (sections {@code reviews}, {@code news} and {@code placeholders}) so that
 * changing the demo's language is an edit to data, not to the generators.
 */
final class DemoVocabulary {

  private static final JsonNode ROOT = load();

  private DemoVocabulary() {}

  private static JsonNode load() {
    try (InputStream in = DemoVocabulary.class.getResourceAsStream("/demo/vocabulary.json")) {
      if (in == null) {
        throw new IllegalStateException("demo/vocabulary.json is missing from the classpath");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode node(String section, String key) {
    JsonNode node = ROOT.path(section).path(key);
    if (node.isMissingNode()) {
      throw new IllegalStateException("demo/vocabulary.json has no " + section + "." + key);
    }
    return node;
  }

  static List<String> strings(String section, String key) {
    return strings(node(section, key));
  }

  static List<List<String>> stringLists(String section, String key) {
    List<List<String>> lists = new ArrayList<>();
    node(section, key).forEach(list -> lists.add(strings(list)));
    return List.copyOf(lists);
  }

  /** Objects with string fields, e.g. {@code {"headline": ..., "lead": ...}}. */
  static List<Map<String, String>> records(String section, String key) {
    List<Map<String, String>> records = new ArrayList<>();
    node(section, key).forEach(object -> {
      Map<String, String> fields = new TreeMap<>();
      object.fields().forEachRemaining(field -> fields.put(field.getKey(), field.getValue().asText()));
      records.add(Map.copyOf(fields));
    });
    return List.copyOf(records);
  }

  /** The values of each word placeholder ({@code {aspect}}, {@code {city}}, ...). */
  static Map<String, List<String>> placeholders() {
    Map<String, List<String>> words = new TreeMap<>();
    ROOT.path("placeholders").fields().forEachRemaining(field -> words.put(field.getKey(), strings(field.getValue())));
    return Map.copyOf(words);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return List.copyOf(values);
  }
}
