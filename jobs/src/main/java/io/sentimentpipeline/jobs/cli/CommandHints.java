package io.sentimentpipeline.jobs.cli;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ParseResult;

/**
 * Commands that messages suggest ({@code `./pipeline train --domain news`}) are run with the
 * configuration of the command that failed: the {@code --conf} the user passed is added to each,
 * so the suggestion works when pasted as it is.
 */
final class CommandHints {

  private static final Pattern SUGGESTED = Pattern.compile("`(\\./pipeline|pipeline) ([^`]*)`");

  private CommandHints() {}

  static String withConf(String message, Path conf) {
    if (message == null || conf == null) {
      return message;
    }
    Matcher matcher = SUGGESTED.matcher(message);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String command = matcher.group(2).contains("--conf") ? matcher.group(2) : matcher.group(2) + " --conf " + conf;
      matcher.appendReplacement(out, Matcher.quoteReplacement("`./pipeline " + command + "`"));
    }
    return matcher.appendTail(out).toString();
  }

  /** The {@code --conf} of the innermost command the user ran, or null. */
  static Path conf(ParseResult parsed) {
    Path conf = null;
    for (ParseResult result = parsed; result != null; result = result.subcommand()) {
      if (result.hasMatchedOption("--conf")) {
        conf = result.matchedOptionValue("--conf", (Path) null);
      }
    }
    return conf;
  }
}
