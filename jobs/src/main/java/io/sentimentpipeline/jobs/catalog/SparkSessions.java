package io.sentimentpipeline.jobs.catalog;

import io.sentimentpipeline.jobs.config.SparkSettings;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.runtime.BoxedUnit;

/**
 * Builds the one Spark session a command uses: Delta enabled, the warehouse's tables registered by
 * name. Settings from {@code spark.conf} apply unless spark-submit already set them.
 */
public final class SparkSessions {

  private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);

  /**
   * The native BLAS that Spark MLlib's netlib loads ({@code libblas.so.3} by default). netlib opens it
   * with global symbols, and libtorch's own {@code sgemm_} calls then bind to it: on a machine with
   * Debian's reference {@code libblas3} (installed with python3-numpy, for one), fine-tuning after the
   * TF-IDF baseline ran 10x slower, single-threaded. A library name that does not exist makes netlib
   * use its Java BLAS (the baseline's sparse logistic regression does not need more); a value the
   * user set (-D on the command line) is kept.
   */
  static final String NETLIB_NATIVE_BLAS = "dev.ludovic.netlib.blas.nativeLib";
  static final String NO_NATIVE_BLAS = "none-keep-libtorch-blas";

  private SparkSessions() {}

  public static SparkSession start(SparkSettings settings, Warehouse warehouse) {
    return start(settings, warehouse, extensions -> {});
  }

  /**
   * As {@link #start(SparkSettings, Warehouse)}, handing {@code extensions} the session's {@link
   * SparkSessionExtensions}, which sessions made later with {@code newSession()} share (the Thrift
   * server makes one per connection).
   */
  public static SparkSession start(
      SparkSettings settings, Warehouse warehouse, Consumer<SparkSessionExtensions> extensions) {
    if (System.getProperty(NETLIB_NATIVE_BLAS) == null) {
      System.setProperty(NETLIB_NATIVE_BLAS, NO_NATIVE_BLAS);
    }
    SparkConf submitted = new SparkConf(true);
    SparkSession.Builder builder =
        SparkSession.builder()
            .withExtensions(
                e -> {
                  extensions.accept(e);
                  return BoxedUnit.UNIT;
                })
            .appName(settings.appName())
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.sql.warehouse.dir", warehouse.root())
            .config("spark.sql.legacy.timeParserPolicy", "CORRECTED");
    settings.master().filter(master -> !submitted.contains("spark.master")).ifPresent(builder::master);
    settings.conf().forEach(
        (key, value) -> {
          if (!submitted.contains(key)) {
            builder.config(key, value);
          }
        });
    SparkSession spark = builder.getOrCreate();
    if (!settings.progressInterval().isZero()) {
      StageProgress.attach(spark.sparkContext(), settings.progressInterval(), LOG::info);
    }
    if (spark.sparkContext().uiWebUrl().isDefined()) {
      LOG.info("Spark UI: {}", spark.sparkContext().uiWebUrl().get());
    } else {
      LOG.info("Spark UI is off; to watch the stages, add --set 'spark.conf.\"spark.ui.enabled\"=true' (it takes a free port from 4040)");
    }
    warehouse.registerAll(spark);
    return spark;
  }
}
