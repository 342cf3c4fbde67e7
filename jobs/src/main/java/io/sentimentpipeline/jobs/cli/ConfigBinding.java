package io.sentimentpipeline.jobs.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import io.sentimentpipeline.jobs.alerts.AlertsConfig;
import io.sentimentpipeline.jobs.clean.CleanConfig;
import io.sentimentpipeline.jobs.config.ConfigError;
import io.sentimentpipeline.jobs.config.ConfigLoader;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.config.EntityConfig;
import io.sentimentpipeline.jobs.config.SourceConfig;
import io.sentimentpipeline.jobs.config.SourceFormat;
import io.sentimentpipeline.jobs.config.SparkSettings;
import io.sentimentpipeline.jobs.demo.DemoSettings;
import io.sentimentpipeline.jobs.score.ScoreConfig;
import io.sentimentpipeline.jobs.serve.ServeConfig;
import io.sentimentpipeline.jobs.tokenize.TokenizeConfig;
import io.sentimentpipeline.jobs.train.BaselineConfig;
import io.sentimentpipeline.jobs.train.GpuExecutorConfig;
import io.sentimentpipeline.jobs.train.SplitConfig;
import io.sentimentpipeline.jobs.train.TrainConfig;
import io.sentimentpipeline.udfs.model.Pooling;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import io.sentimentpipeline.udfs.score.ChunkAggregation;
import io.sentimentpipeline.udfs.score.ScoringOptions;
import io.sentimentpipeline.udfs.text.CompanyNames;
import io.sentimentpipeline.udfs.train.TrainerConfig;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Binds each section of a loaded configuration to its job's typed record: {@code sources} to
 * {@link SourceConfig}s, {@code clean} to the clean job's, {@code train} to the training job's, and
 * so on. A value that does not fit fails here with the key it came from.
 */
final class ConfigBinding {

  private ConfigBinding() {}

  static PipelineConfig bind(Config c) {
    try {
      List<SourceConfig> sources = sources(c);
      EntityConfig entities = entities(c.getConfig("entities"));
      TokenizeConfig tokenize = tokenize(c);
      return new PipelineConfig(
          spark(c.getConfig("spark")),
          c.getString("warehouse"),
          demo(c.getConfig("demo")),
          sources,
          clean(c.getConfig("clean"), sources, entities),
          entities,
          tokenize,
          train(c, tokenize),
          score(c.getConfig("score"), sources, tokenize, entities),
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
      if (ConfigLoader.fromEmbeddedDefault(c, path)) {
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

  private static CleanConfig clean(Config c, List<SourceConfig> sources, EntityConfig entities) {
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
        c.getDuration("event-time-max-ahead"),
        sources,
        entities);
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
    return new TokenizeConfig(spec, t.getInt("batch-size"), t.getString("normalizer-cleanup"), t.getDouble("parity-sample"));
  }

  private static TrainConfig train(Config c, TokenizeConfig tokenize) {
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
            t.hasPath("split.sources") ? stringMap(t.getConfig("split.sources")) : Map.of(),
            t.hasPath("split.sampling") ? rateMap(t.getConfig("split.sampling"), "train.split.sampling") : Map.of()),
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
        localFolder(t, "checkpoint-dir", "train.checkpoint-dir", "each executor"),
        tokenize,
        io.sentimentpipeline.jobs.config.Target.parse(t.getString("target"), "train.target"));
  }

  /** {@code score.domains = []} (the default): the domains the configured sources hold. */
  private static ScoreConfig score(Config s, List<SourceConfig> sources, TokenizeConfig tokenize, EntityConfig entities) {
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
        s.getBoolean("backfill"),
        choice(s, "engine", ScoringOptions.Engine.class),
        choice(s, "precision", ScoringOptions.Precision.class),
        s.getDouble("int8-recheck-margin"),
        tokenize,
        entities);
  }

  /** {@code score.<key>}: one of the enum's values, lower case. */
  private static <E extends Enum<E>> E choice(Config s, String key, Class<E> type) {
    String value = s.getString(key);
    for (E option : type.getEnumConstants()) {
      if (option.name().equalsIgnoreCase(value)) {
        return option;
      }
    }
    throw new ConfigError(
        "score." + key,
        "must be one of " + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList()
            + ", got '" + value + "'");
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
        new AlertsConfig.NegativeSurge(
            a.getBoolean("negative-surge.enabled"), a.getDouble("negative-surge.threshold"),
            a.getDouble("negative-surge.critical"), a.getDouble("negative-surge.mad-floor")),
        new AlertsConfig.VolumeNegative(
            a.getBoolean("volume-negative.enabled"), a.getDouble("volume-negative.threshold"),
            a.getDouble("volume-negative.critical"), a.getDouble("volume-negative.mad-floor"),
            a.getDouble("volume-negative.score-z")),
        new AlertsConfig.Cusum(
            a.getBoolean("cusum.enabled"), a.getDouble("cusum.k"), a.getDouble("cusum.h"), a.getDouble("cusum.critical"),
            a.getDouble("cusum.sigma-floor")),
        a.getInt("top-documents"),
        a.getInt("text-chars"),
        localFolder(a, "output-dir", "alerts.output-dir", "the driver"),
        a.getString("webhook.url"),
        a.getDuration("webhook.timeout"),
        new AlertsConfig.Attributions(a.getBoolean("attributions.enabled"), a.getInt("attributions.top-words")));
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

  private static Map<String, Double> rateMap(Config c, String path) {
    Map<String, Double> map = new LinkedHashMap<>();
    stringMap(c).forEach(
        (key, value) -> {
          try {
            map.put(key, Double.parseDouble(value));
          } catch (NumberFormatException e) {
            throw new ConfigError(path + "." + key, "must be a number (a sampling rate), got '" + value + "'");
          }
        });
    return map;
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
