package io.sentimentpipeline.jobs.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads HOCON ({@code --conf FILE}, else the embedded {@code conf/local.conf}), applies {@code
 * --set key=value} overrides and binds the result to {@link PipelineConfig}. All string keys live
 * here.
 */
public final class ConfigLoader {

  /** Classpath location of the embedded default configuration. */
  public static final String EMBEDDED_DEFAULT = "conf/local.conf";

  /** The fields of one {@code sources} entry. */
  private static final List<String> SOURCE_FIELDS =
      List.of("name", "domain", "format", "path", "schema", "charset", "follow-symlinks");

  /** The maps of one {@code sources} entry: any key. */
  private static final List<String> SOURCE_MAPS = List.of("columns", "labels", "options");

  /** Words in a key that make its value a secret, masked by {@link #settings}. */
  private static final List<String> SECRET_WORDS = List.of("password", "passwd", "secret");

  /** {@code scheme://user:password@host}: the user info is masked by {@link #settings}. */
  private static final Pattern URL_USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s\"]+@");

  private static final String MASK = "****";
  private static final Pattern URL_PATH = Pattern.compile("^(\"[a-z]+://[^/\"]+)/[^\"]+\"$");

  private ConfigLoader() {}

  /**
   * The embedded default, the {@code --conf} file (which usually includes it) and the {@code --set}
   * overrides, merged and resolved; every key checked against the embedded default. Throws {@link
   * ConfigError} naming the key on any problem. Binding the sections to typed records is the job
   * of each job's package; the CLI composes them.
   */
  public static Config load(Path confFile, List<String> overrides) {
    return loadRaw(confFile, overrides);
  }

  /** Whether {@code key}'s value comes from the embedded default (no file or {@code --set} changed it). */
  public static boolean fromEmbeddedDefault(Config config, String key) {
    // A classpath resource's origin reads "conf/local.conf @ <url>: line", merged or not.
    return config.getValue(key).origin().description().contains(EMBEDDED_DEFAULT + " @ ");
  }

  /** Every leaf of {@code config}, sorted by key, with where each value was set; secrets masked. */
  public static List<ConfigSetting> settings(Config config) {
    List<ConfigSetting> settings = new ArrayList<>();
    flatten(config.root(), "", settings);
    settings.sort(Comparator.comparing(ConfigSetting::key));
    return settings;
  }

  private static void flatten(ConfigValue value, String key, List<ConfigSetting> settings) {
    if (value instanceof ConfigObject object && !object.isEmpty()) {
      object.forEach(
          (child, childValue) ->
              flatten(childValue, (key.isEmpty() ? "" : key + ".") + ConfigUtil.joinPath(List.of(child)), settings));
    } else if (value instanceof ConfigList list && list.stream().anyMatch(e -> e instanceof ConfigObject)) {
      for (int i = 0; i < list.size(); i++) {
        flatten(list.get(i), key + "[" + i + "]", settings);
      }
    } else {
      String rendered = secret(key) ? MASK : URL_USER_INFO.matcher(value.render(ConfigRenderOptions.concise())).replaceAll("$1" + MASK + "@");
      if (key.endsWith("webhook.url")) { // chat webhooks carry their token in the path
        rendered = URL_PATH.matcher(rendered).replaceAll("$1/" + MASK + "\"");
      }
      settings.add(new ConfigSetting(key, rendered, Origins.describe(value.origin())));
    }
  }

  /**
   * A key naming a password, secret or token, or a webhook (whose URL path often is the token): a
   * word of it (split at punctuation and camelCase) says so.
   */
  static boolean secret(String key) {
    for (String word : key.split("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")) {
      String lower = word.toLowerCase(Locale.ROOT);
      if (SECRET_WORDS.stream().anyMatch(lower::contains) || lower.endsWith("token")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The keys a configuration may have: those of the embedded default, where {@code spark.conf},
   * {@code serve.hive-conf}, {@code train.split.sources}, {@code train.split.sampling}, {@code encoders} and {@code
   * entities.companies} take any key, and {@code sources} is a list of source definitions.
   */
  private static final class Reference {
    static final KnownKeys.Fields SHAPE = build();

    private static KnownKeys.Fields build() {
      Config reference =
          ConfigFactory.parseResources(EMBEDDED_DEFAULT, ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
      KnownKeys.Fields shape = KnownKeys.shapeOf(reference.root());
      Map<String, KnownKeys.Shape> source = new LinkedHashMap<>();
      SOURCE_FIELDS.forEach(field -> source.put(field, KnownKeys.LEAF));
      SOURCE_MAPS.forEach(map -> source.put(map, new KnownKeys.AnyKey(KnownKeys.LEAF)));
      Map<String, KnownKeys.Shape> encoder = new LinkedHashMap<>();
      encoder.put("tokenizer", KnownKeys.LEAF);
      encoder.put("weights", KnownKeys.LEAF);
      Map<String, KnownKeys.Shape> company = new LinkedHashMap<>();
      company.put("names", KnownKeys.LEAF);
      company.put("exclude", KnownKeys.LEAF);
      shape = KnownKeys.replace(shape, List.of("spark", "conf"), new KnownKeys.AnyKey(KnownKeys.LEAF));
      shape = KnownKeys.replace(shape, List.of("serve", "hive-conf"), new KnownKeys.AnyKey(KnownKeys.LEAF));
      shape = KnownKeys.replace(shape, List.of("train", "split", "sources"), new KnownKeys.AnyKey(KnownKeys.LEAF));
      shape = KnownKeys.replace(shape, List.of("train", "split", "sampling"), new KnownKeys.AnyKey(KnownKeys.LEAF));
      shape = KnownKeys.replace(shape, List.of("encoders"), new KnownKeys.AnyKey(new KnownKeys.Fields(encoder)));
      shape = KnownKeys.replace(shape, List.of("entities", "companies"), new KnownKeys.AnyKey(new KnownKeys.Fields(company)));
      return KnownKeys.replace(shape, List.of("sources"), new KnownKeys.ListOf(new KnownKeys.Fields(source), "name"));
    }
  }

  /** Refuses every key of {@code config} the embedded default does not have, naming the nearest known key. */
  private static void checkKeys(Config config) {
    List<KnownKeys.Unknown> unknown = KnownKeys.unknownKeys(Reference.SHAPE, config.root());
    if (!unknown.isEmpty()) {
      List<String> messages = new ArrayList<>();
      unknown.forEach(u -> messages.add(u.message()));
      throw new ConfigError(String.join("\n", messages), (Throwable) null);
    }
  }

  private static Config loadRaw(Path confFile, List<String> overrides) {
    Config base;
    try {
      if (confFile == null) {
        base = ConfigFactory.parseResources(EMBEDDED_DEFAULT, ConfigParseOptions.defaults().setAllowMissing(false));
      } else {
        if (!Files.isRegularFile(confFile)) {
          throw new ConfigError("--conf", "names " + confFile + ", which is not a readable file");
        }
        base = ConfigFactory.parseFile(confFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      }
      Config resolved = applyOverrides(base, overrides).resolve();
      checkKeys(resolved);
      return resolved;
    } catch (ConfigException e) {
      throw new ConfigError("Cannot read configuration: " + e.getMessage(), e);
    }
  }

  /** {@code key=value}; a value starting with '[' or '{' is parsed as HOCON, anything else is a string. */
  static Config applyOverrides(Config base, List<String> overrides) {
    Config merged = base;
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new ConfigError("--set", "expects key=value, got '" + override + "'");
      }
      String key = override.substring(0, eq).trim();
      String value = override.substring(eq + 1).trim();
      ConfigValue parsed =
          value.startsWith("[") || value.startsWith("{")
              ? ConfigFactory.parseString(
                      "v = " + value, ConfigParseOptions.defaults().setOriginDescription(Origins.SET + " " + key))
                  .getValue("v")
              : ConfigValueFactory.fromAnyRef(value, Origins.SET + " " + key);
      merged = merged.withValue(key, parsed);
    }
    return merged;
  }

}
