package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.catalog.SparkSessions;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import org.apache.spark.sql.SparkSession;

/** Where commands get their Spark session: a new one per process, or a test's shared one. */
public interface SessionFactory {

  SparkSession open(PipelineConfig config);

  /** Called when the command is done with the session. */
  void release(SparkSession spark);

  /** The production factory: builds a session from {@code spark.*} and stops it afterwards. */
  static SessionFactory perCommand() {
    return new SessionFactory() {
      @Override
      public SparkSession open(PipelineConfig config) {
        return SparkSessions.start(config.spark(), new Warehouse(config.warehouse()));
      }

      @Override
      public void release(SparkSession spark) {
        spark.stop();
      }
    };
  }
}
