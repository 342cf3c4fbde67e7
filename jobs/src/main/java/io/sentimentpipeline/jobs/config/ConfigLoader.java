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
import com.typesafe.config.ConfigValueType;
import io.sentimentpipeline.jobs.alerts.AlertsConfig;
import io.sentimentpipeline.jobs.demo.DemoSettings;
import io.sentimentpipeline.jobs.score.ScoreConfig;
import io.sentimentpipeline.jobs.serve.ServeConfig;
import io.sentimentpipeline.jobs.train.BaselineConfig;
import io.sentimentpipeline.jobs.train.GpuExecutorConfig;
import io.sentimentpipeline.jobs.train.SplitConfig;
import io.sentimentpipeline.jobs.train.TrainConfig;
import io.sentimentpipeline.udfs.model.Pooling;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import io.sentimentpipeline.udfs.score.ChunkAggregation;
import io.sentimentpipeline.udfs.text.CompanyNames;
import io.sentimentpipeline.udfs.train.TrainerConfig;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
  private static final java.util.regex.Pattern URL_PATH = java.util.regex.Pattern.compile("^(\"[a-z]+://[^/\"]+)/[^\"]+\"$");

  private ConfigLoader() {}

  /** Loads and binds; throws {@link ConfigError} naming the key on any problem. */
  public static PipelineConfig load(Path confFile, List<String> overrides) {
    return bind(loadRaw(confFile, overrides));
  }

  /**
   * What {@link #load} would use, one leaf per entry, sorted by key, with where each value was set;
   * secrets masked. Throws {@link ConfigError} where {@link #load} would.
   */
  public static List<ConfigSetting> settings(Path confFile, List<String> overrides) {
    Config config = loadRaw(confFile, overrides);
    bind(config);
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
   * {@code serve.hive-conf}, {@code train.split.sources}, {@code encoders} and {@code
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

  static PipelineConfig bind(Config c) {
    try {
      List<SourceConfig> sources = sources(c);
      return new PipelineConfig(
          spark(c.getConfig("spark")),
          c.getString("warehouse"),
          demo(c.getConfig("demo")),
          sources,
          clean(c.getConfig("clean")),
          entities(c.getConfig("entities")),
          tokenize(c),
          train(c),
          score(c.getConfig("score"), sources),
          alerts(c.getConfig("alerts")),
          serve(c.getConfig("serve")));
    } catch (ConfigException | IllegalArgumentException e) {
      throw new ConfigError("Invalid configuration: " + e.getMessage(), e);
    }
  }

  private static SparkSettings spark(Config c) {
    Optional<String> master = c.hasPath("master") ? Optional.of(c.getString("master")) : Optional.empty();
    return new SparkSettings(master, c.getString("app-name"), stringMap(c.getConfig("conf")), c.getDuration("progress-interval"));
  }

  private static DemoSettings demo(Config c) {
    return new DemoSettings(
        Path.of(c.getString("output")),
        c.getLong("seed"),
        c.getInt("reviews"),
        c.getInt("news-days"),
        c.getInt("news-per-day"),
        date(c, "end-date", "demo.end-date"),
        c.getString("surge.ticker"),
        date(c, "surge.date", "demo.surge.date"),
        c.getInt("surge.articles"));
  }

  private static List<SourceConfig> sources(Config c) {
    List<SourceConfig> sources = new ArrayList<>();
    List<? extends Config> entries = c.getConfigList("sources");
    for (int i = 0; i < entries.size(); i++) {
      Config s = entries.get(i);
      String name = s.hasPath("name") ? s.getString("name") : "#" + i;
      String key = "sources." + name;
      sources.add(
          new SourceConfig(
              name,
              Domain.parse(s.getString("domain"), key + ".domain"),
              SourceFormat.parse(s.getString("format"), key + ".format"),
              s.getString("path"),
              s.getString("schema"),
              stringMap(s.getConfig("columns")),
              s.hasPath("labels") ? stringMap(s.getConfig("labels")) : Map.of(),
              s.hasPath("options") ? stringMap(s.getConfig("options")) : Map.of(),
              s.hasPath("charset") ? charset(s.getString("charset"), key + ".charset") : null,
              s.hasPath("follow-symlinks") && s.getBoolean("follow-symlinks")));
    }
    return sources;
  }

  /**
   * A folder on a machine's own disk. Its default follows `warehouse`; when that is a remote URI the
   * default becomes the folder's own name in the working directory, while a remote value the user
   * wrote is refused.
   */
  private static String localFolder(Config c, String path, String key, String whose) {
    String folder = c.getString(path);
    if (folder.contains("://") && !folder.startsWith("file:")) {
      // A classpath resource's origin reads "conf/local.conf @ <url>: line", merged or not.
      if (c.getValue(path).origin().description().contains(EMBEDDED_DEFAULT + " @ ")) {
        return folder.substring(folder.lastIndexOf('/') + 1);
      }
      throw new ConfigError(key, "is a folder on the disk of " + whose + ", got " + folder + "; set a local folder");
    }
    return folder;
  }

  private static Charset charset(String name, String key) {
    try {
      return Charset.forName(name);
    } catch (IllegalArgumentException e) {
      throw new ConfigError(key, "is not a character set this JVM knows: '" + name + "' (e.g. UTF-8, ISO-8859-1, windows-1252)");
    }
  }

  private static CleanConfig clean(Config c) {
    Set<Domain> required = EnumSet.noneOf(Domain.class);
    for (String domain : c.getStringList("require-timestamp")) {
      required.add(Domain.parse(domain, "clean.require-timestamp"));
    }
    return new CleanConfig(
        c.getInt("min-chars"),
        c.getInt("max-chars"),
        c.getStringList("timestamp-formats"),
        required,
        date(c, "event-time-min", "clean.event-time-min"),
        c.getDuration("event-time-max-ahead"));
  }

  private static EntityConfig entities(Config c) {
    Config companies = c.getConfig("companies");
    List<CompanyNames> dictionary = new ArrayList<>();
    for (String ticker : new TreeMap<>(companies.root().unwrapped()).keySet()) {
      Config company = companies.getConfig(ConfigUtil.quoteString(ticker));
      dictionary.add(
          new CompanyNames(
              ticker,
              company.getStringList("names"),
              company.hasPath("exclude") ? company.getStringList("exclude") : List.of()));
    }
    return new EntityConfig(c.getStringList("exchanges"), dictionary);
  }

  private static TokenizeConfig tokenize(Config c) {
    Config t = c.getConfig("tokenize");
    String encoder = t.getString("encoder");
    String encoderKey = "encoders." + ConfigUtil.quoteString(encoder);
    if (!c.hasPath(encoderKey + ".tokenizer")) {
      throw new ConfigError(
          "tokenize.encoder",
          "names '" + encoder + "', which has no encoders." + encoder + ".tokenizer entry; known: "
              + c.getConfig("encoders").root().keySet());
    }
    TokenizerSpec spec =
        new TokenizerSpec(encoder, c.getString(encoderKey + ".tokenizer"), t.getInt("max-length"));
    return new TokenizeConfig(spec, t.getInt("batch-size"), t.getString("normalizer-cleanup"));
  }

  private static TrainConfig train(Config c) {
    Config t = c.getConfig("train");
    String encoder = c.getString("tokenize.encoder");
    String weightsKey = "encoders." + ConfigUtil.quoteString(encoder) + ".weights";
    if (!c.hasPath(weightsKey)) {
      throw new ConfigError(weightsKey, "is missing: where are the pretrained weights of encoder '" + encoder + "'?");
    }
    TrainerConfig trainer =
        new TrainerConfig(
            t.getInt("epochs"),
            t.getInt("batch-size"),
            t.getInt("accumulation-steps"),
            (float) t.getDouble("learning-rate"),
            (float) t.getDouble("weight-decay"),
            (float) t.getDouble("warmup-fraction"),
            (float) t.getDouble("max-grad-norm"),
            t.getBoolean("class-weights"),
            t.getInt("patience"),
            t.getLong("seed"),
            t.getLong("max-steps"),
            pooling(t.getString("pooling")),
            (float) t.getDouble("dropout"),
            t.getInt("sync-every-steps"),
            t.getInt("max-nonfinite-steps-in-a-row"));
    return new TrainConfig(
        Domain.parse(t.getString("domain"), "train.domain"),
        trainer,
        new SplitConfig(
            t.getDouble("split.validation-fraction"),
            t.getDouble("split.test-fraction"),
            t.getLong("split.seed"),
            t.hasPath("split.sources") ? stringMap(t.getConfig("split.sources")) : Map.of()),
        new BaselineConfig(
            t.getInt("baseline.num-features"),
            t.getInt("baseline.min-doc-freq"),
            t.getDouble("baseline.reg-param"),
            t.getInt("baseline.max-iter")),
        t.getInt("tasks"),
        t.getInt("gpus-per-task"),
        new GpuExecutorConfig(
            t.getInt("gpu-executor.cores"),
            t.getString("gpu-executor.memory"),
            t.getString("gpu-executor.memory-overhead"),
            t.getInt("gpu-executor.gpus"),
            t.getString("gpu-executor.discovery-script"),
            t.getString("gpu-executor.vendor")),
        t.getDouble("promotion-margin"),
        c.getString(weightsKey),
        localFolder(t, "checkpoint-dir", "train.checkpoint-dir", "each executor"));
  }

  /** {@code score.domains = []} (the default): the domains the configured sources hold. */
  private static ScoreConfig score(Config s, List<SourceConfig> sources) {
    List<Domain> domains = new ArrayList<>();
    for (String domain : s.getStringList("domains")) {
      domains.add(Domain.parse(domain, "score.domains"));
    }
    if (domains.isEmpty()) {
      sources.stream().map(SourceConfig::domain).distinct().sorted().forEach(domains::add);
    }
    ChunkAggregation aggregation;
    try {
      aggregation = ChunkAggregation.parse(s.getString("chunk-aggregation"));
    } catch (IllegalArgumentException e) {
      throw new ConfigError("score.chunk-aggregation", e.getMessage());
    }
    return new ScoreConfig(
        domains,
        s.getInt("batch-size"),
        s.getInt("documents-per-call"),
        s.getInt("max-document-tokens"),
        s.getInt("chunk-overlap"),
        aggregation,
        s.getDouble("neutral-band"),
        s.getBoolean("backfill"));
  }

  private static AlertsConfig alerts(Config a) {
    return new AlertsConfig(
        Domain.parse(a.getString("domain"), "alerts.domain"),
        a.getInt("recompute-days"),
        a.getInt("model-version"),
        a.getInt("min-documents"),
        a.getInt("baseline-days"),
        a.getInt("min-baseline-days"),
        new AlertsConfig.RobustZ(
            a.getDouble("robust-z.threshold"), a.getDouble("robust-z.critical"), a.getDouble("robust-z.mad-floor")),
        new AlertsConfig.Ewma(
            a.getDouble("ewma.lambda"), a.getDouble("ewma.limit"), a.getDouble("ewma.critical"), a.getDouble("ewma.sigma-floor")),
        a.getInt("top-documents"),
        a.getInt("text-chars"),
        localFolder(a, "output-dir", "alerts.output-dir", "the driver"),
        a.getString("webhook.url"),
        a.getDuration("webhook.timeout"));
  }

  private static ServeConfig serve(Config s) {
    return new ServeConfig(
        s.getString("host"),
        s.getInt("port"),
        ServeConfig.Auth.parse(s.getString("auth")),
        stringMap(s.getConfig("hive-conf")),
        s.getBoolean("read-only"));
  }

  private static Pooling pooling(String value) {
    for (Pooling pooling : Pooling.values()) {
      if (pooling.name().equalsIgnoreCase(value)) {
        return pooling;
      }
    }
    throw new ConfigError("train.pooling", "must be cls or mean, got '" + value + "'");
  }

  private static LocalDate date(Config c, String path, String key) {
    try {
      return LocalDate.parse(c.getString(path));
    } catch (DateTimeParseException e) {
      throw new ConfigError(key, "must be a date like 2026-11-27, got '" + c.getString(path) + "'");
    }
  }

  private static Map<String, String> stringMap(Config c) {
    Map<String, String> map = new LinkedHashMap<>();
    c.root().forEach(
        (key, value) -> {
          if (value.valueType() != ConfigValueType.NULL) { // null removes an inherited setting
            map.put(key, String.valueOf(value.unwrapped()));
          }
        });
    return map;
  }
}
