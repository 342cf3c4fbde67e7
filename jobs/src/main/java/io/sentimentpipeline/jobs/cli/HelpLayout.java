package io.sentimentpipeline.jobs.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.sentimentpipeline.jobs.config.ConfigLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Lays out every command's help so it reads well. Picocli wraps text at any line-break opportunity,
 * which splits configuration keys at their dots ({@code clean.}⏎{@code max-chars}); here texts are
 * wrapped at spaces only, to widths picocli then leaves alone. {@code {{key}}} in a text becomes
 * that key's value in the embedded default configuration, so a default is shown as a value, not as
 * the name of a key.
 */
final class HelpLayout {

  static final int WIDTH = 100;
  private static final int LONG_OPTIONS_WIDTH = 28;
  private static final int OPTION_TEXT_WIDTH = WIDTH - LONG_OPTIONS_WIDTH - 12;
  private static final int TEXT_WIDTH = WIDTH - 4;
  private static final Pattern CONF_VALUE = Pattern.compile("\\{\\{([a-z0-9.-]+)}}");

  private HelpLayout() {}

  static void apply(CommandLine root) {
    apply(root, ConfigFactory.parseResources(ConfigLoader.EMBEDDED_DEFAULT).resolve());
  }

  private static void apply(CommandLine line, Config defaults) {
    line.setUsageHelpWidth(WIDTH);
    line.setUsageHelpLongOptionsMaxWidth(LONG_OPTIONS_WIDTH);
    CommandSpec spec = line.getCommandSpec();
    UsageMessageSpec usage = spec.usageMessage();
    usage.description(wrapEach(usage.description(), TEXT_WIDTH, defaults));
    usage.footer(wrapEach(usage.footer(), TEXT_WIDTH, defaults));
    for (OptionSpec option : List.copyOf(spec.options())) {
      String[] text = wrap(withDefaults(String.join(" ", option.description()), defaults), OPTION_TEXT_WIDTH, "");
      if (!Arrays.equals(text, option.description())) {
        spec.remove(option);
        spec.addOption(option.toBuilder().description(text).build());
      }
    }
    line.getSubcommands().values().forEach(sub -> apply(sub, defaults));
  }

  /** Each line as written, wrapped at spaces when longer than {@code width} (keeping its indent). */
  private static String[] wrapEach(String[] lines, int width, Config defaults) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      String text = withDefaults(line, defaults);
      if (text.length() <= width) {
        out.add(text); // as written: aligned columns keep their spaces
      } else {
        String indent = text.substring(0, text.length() - text.stripLeading().length());
        out.addAll(Arrays.asList(wrap(text, width, indent)));
      }
    }
    return out.toArray(String[]::new);
  }

  static String[] wrap(String text, int width, String indent) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.strip().split(" +")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() == 0 ? (lines.isEmpty() ? indent : indent + "  ") : " ").append(word);
    }
    if (line.length() > 0 || lines.isEmpty()) {
      lines.add(line.toString());
    }
    return lines.toArray(String[]::new);
  }

  private static String withDefaults(String text, Config defaults) {
    Matcher matcher = CONF_VALUE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String key = matcher.group(1);
      String value = defaults.hasPath(key) ? defaults.getValue(key).render(ConfigRenderOptions.concise()).replace("\"", "") : "?";
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return matcher.appendTail(out).toString();
  }
}
