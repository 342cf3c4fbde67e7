package io.sentimentpipeline.jobs.alerts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.Encoding;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.registry.ModelBundle;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import io.sentimentpipeline.udfs.nlp.WordPieceEncoder;
import io.sentimentpipeline.udfs.score.BundleSpec;
import io.sentimentpipeline.udfs.score.OcclusionAttributions;
import io.sentimentpipeline.udfs.score.ScoringModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Explains fired alerts: adds {@code attributions} (array of word, weight) to each element of
 * {@code top_documents}, the words that drove that document's negative score by {@link
 * OcclusionAttributions}. Runs on the driver, and only when there are alerts: loads the model
 * version the alerts' scores came from (verified against {@code ml.models} as scoring does) and
 * its own tokenizer from the bundle, then rescores the alerts' top documents only, so the cost is
 * bounded by alerts x alerts.top-documents x words. A missing or tampered bundle never costs the
 * alerts: they keep {@code attributions = null} and {@link Outcome#status} says why.
 */
final class AlertAttributions {

  private static final Logger LOG = LoggerFactory.getLogger(AlertAttributions.class);

  /** The type of {@code top_documents[].attributions}. */
  static final ArrayType TYPE =
      DataTypes.createArrayType(
          new StructType().add("word", DataTypes.StringType).add("weight", DataTypes.DoubleType));

  private static final int BATCH_SIZE = 32;

  /** The alerts with attributions, and a line for the run's result (off, none, counts or the reason there are none). */
  record Outcome(Dataset<Row> alerts, String status) {}

  private AlertAttributions() {}

  static Outcome enrich(
      SparkSession spark, Warehouse warehouse, AlertsConfig alerts, int modelVersion, Dataset<Row> fired) {
    if (!alerts.attributions().enabled()) {
      return new Outcome(withNone(fired), "off");
    }
    List<Row> topIds = fired.select(col("top_documents.doc_id")).collectAsList();
    Set<String> docIds = new LinkedHashSet<>();
    topIds.stream().filter(r -> !r.isNullAt(0)).forEach(r -> docIds.addAll(r.getList(0)));
    if (docIds.isEmpty()) {
      return new Outcome(withNone(fired), "no alerts");
    }
    String domain = alerts.domain().key();
    long started = System.nanoTime();
    Map<String, List<OcclusionAttributions.Attribution>> byDocument;
    try {
      byDocument = compute(spark, warehouse, domain, modelVersion, texts(spark, warehouse, domain, docIds), alerts.attributions().topWords());
    } catch (RuntimeException e) {
      String reason = "none: cannot explain with " + domain + " model v" + modelVersion + ": " + e.getMessage();
      LOG.warn("Alerts: {} alerts are stored without attributions; {}", topIds.size(), reason);
      return new Outcome(withNone(fired), reason);
    }
    double ms = (System.nanoTime() - started) / 1e6;
    String status =
        String.format(
            "%d documents of %d alerts in %.0f ms (%.0f ms per alert, %.0f ms per document, model load included)",
            byDocument.size(), topIds.size(), ms, ms / topIds.size(), ms / Math.max(byDocument.size(), 1));
    LOG.info("Alerts: attributions for {}", status);
    return new Outcome(withLookup(spark, fired, docIds, byDocument), status);
  }

  /** Full texts (as scored) of the documents, by doc_id; one missing from silver.documents gets none. */
  private static Map<String, String> texts(SparkSession spark, Warehouse warehouse, String domain, Set<String> docIds) {
    Map<String, String> texts = new LinkedHashMap<>();
    if (!warehouse.exists(spark, TableName.DOCUMENTS)) {
      return texts;
    }
    warehouse.read(spark, TableName.DOCUMENTS)
        .where(col("domain").equalTo(domain).and(col("doc_id").isin(docIds.toArray())).and(col("text").isNotNull()))
        .select("doc_id", "text")
        .collectAsList()
        .forEach(r -> texts.put(r.getString(0), r.getString(1)));
    return texts;
  }

  private static Map<String, List<OcclusionAttributions.Attribution>> compute(
      SparkSession spark, Warehouse warehouse, String domain, int version, Map<String, String> texts, int topWords) {
    Optional<ModelRegistry.Champion> registered = new ModelRegistry(spark, warehouse).registered(domain, version);
    if (registered.isEmpty()) {
      throw new IllegalStateException("no " + domain + " version " + version + " in " + ModelRegistry.MODELS);
    }
    ModelRegistry.Champion bundle = registered.get();
    if (bundle.bundlePath() == null || bundle.bundleChecksum() == null) {
      throw new IllegalStateException(bundle.describe() + " has no bundle_path/bundle_checksum in " + ModelRegistry.MODELS);
    }
    Map<String, byte[]> files = ModelBundle.readVerified(bundle, spark.sparkContext().hadoopConfiguration());
    if (!files.containsKey(BundleSpec.TOKENIZER)) {
      throw new IllegalStateException("model bundle " + bundle.bundlePath() + " has no " + BundleSpec.TOKENIZER);
    }
    try (ScoringModel model = ScoringModel.load(files, bundle.bundleChecksum(), Device.cpu(), 1)) {
      TokenizerSpec spec = new TokenizerSpec(bundle.modelName(), tokenizerFile(bundle.bundleChecksum(), files.get(BundleSpec.TOKENIZER)).toString(), model.maxLength());
      List<String> ids = new ArrayList<>(texts.keySet());
      Encoding[] encodings = WordPieceEncoder.forSpec(spec).encodeTexts(ids.stream().map(texts::get).toList());
      OcclusionAttributions occlusion = new OcclusionAttributions(model, BATCH_SIZE);
      Map<String, List<OcclusionAttributions.Attribution>> out = new LinkedHashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        out.put(ids.get(i), occlusion.top(texts.get(ids.get(i)), encodings[i], topWords));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot load model bundle " + bundle.bundlePath() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The bundle's verified tokenizer.json as a driver-local file, one per bundle (named by its
   * checksum, so the JVM-wide tokenizer cache loads it once however many runs use it).
   */
  private static Path tokenizerFile(String bundleChecksum, byte[] content) {
    try {
      Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "sentiment-bundle-tokenizers", bundleChecksum));
      Path file = dir.resolve(BundleSpec.TOKENIZER);
      if (!Files.isRegularFile(file) || !java.util.Arrays.equals(Files.readAllBytes(file), content)) {
        Path temp = Files.write(Files.createTempFile(dir, BundleSpec.TOKENIZER, ".tmp"), content);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return file;
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the bundle's tokenizer under java.io.tmpdir: " + e.getMessage(), e);
    }
  }

  /**
   * {@code fired} with each top document's attributions looked up in a one-row map doc_id ->
   * attributions that holds every top document (null value when it had no text), so the lookup
   * never misses, ANSI mode or not.
   */
  private static Dataset<Row> withLookup(
      SparkSession spark, Dataset<Row> fired, Set<String> docIds, Map<String, List<OcclusionAttributions.Attribution>> byDocument) {
    List<Row> rows = new ArrayList<>();
    for (String id : docIds) {
      List<OcclusionAttributions.Attribution> words = byDocument.get(id);
      rows.add(RowFactory.create(id, words == null ? null : words.stream().map(a -> RowFactory.create(a.word(), a.weight())).toList()));
    }
    Dataset<Row> map =
        spark.createDataFrame(rows, new StructType().add("doc_id", DataTypes.StringType).add("attributions", TYPE))
            .agg(map_from_entries(collect_list(struct(col("doc_id"), col("attributions")))).as("_attributions"));
    return with(fired.crossJoin(map), d -> element_at(col("_attributions"), d.getField("doc_id"))).drop("_attributions");
  }

  private static Dataset<Row> withNone(Dataset<Row> fired) {
    return with(fired, d -> lit(null).cast(TYPE));
  }

  private static Dataset<Row> with(Dataset<Row> fired, java.util.function.Function<Column, Column> attributionsOf) {
    return fired.withColumn(
        "top_documents", transform(col("top_documents"), d -> d.withField("attributions", attributionsOf.apply(d))));
  }
}
