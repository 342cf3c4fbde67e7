package io.sentimentpipeline.jobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the project version and the commit it was built from (written by the build). */
final class VersionProvider implements IVersionProvider {

  static final String PROJECT = "sentiment-pipeline 0.1.0";

  @Override
  public String[] getVersion() throws IOException {
    Properties git = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("/sentiment-pipeline-git.properties")) {
      if (in != null) {
        git.load(in);
      }
    }
    String commit = git.getProperty("git.commit.id.abbrev", "unknown");
    String dirty = Boolean.parseBoolean(git.getProperty("git.dirty", "false")) ? " (with uncommitted changes)" : "";
    String time = git.containsKey("git.commit.time") ? ", " + git.getProperty("git.commit.time") : "";
    return new String[] {PROJECT + ", commit " + commit + dirty + time};
  }
}
