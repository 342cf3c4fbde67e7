package io.sentimentpipeline.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Renders rows as a plain-text table or as CSV, the way {@code pipeline sql} and {@code pipeline tables} print. */
final class TableFormatter {

  private static final int MAX_CELL = 80;

  /** A cell a spreadsheet reads as a number, such as -0.42 or 1e-3: not a formula. */
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private TableFormatter() {}

  static String format(List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    List<List<String>> cells = new ArrayList<>();
    cells.add(headers);
    for (List<String> row : rows) {
      cells.add(row.stream().map(TableFormatter::cell).toList());
    }
    for (List<String> row : cells) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    String rule = rule(widths);
    out.append(rule);
    for (int r = 0; r < cells.size(); r++) {
      out.append('|');
      for (int i = 0; i < widths.length; i++) {
        out.append(' ').append(pad(cells.get(r).get(i), widths[i])).append(" |");
      }
      out.append('\n');
      if (r == 0) {
        out.append(rule);
      }
    }
    out.append(rule);
    return out.toString();
  }

  /**
   * RFC 4180: a header, fields quoted when they hold a comma, quote or line break; NULL is empty. A
   * cell a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage return)
   * gets a leading apostrophe, the OWASP advice against CSV injection; numbers such as -1.5 stay as
   * they are.
   */
  static String csv(List<String> headers, List<List<String>> rows) {
    StringBuilder out = new StringBuilder();
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        String value = row.get(i) == null ? "" : neutraliseFormula(row.get(i));
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
          value = '"' + value.replace("\"", "\"\"") + '"';
        }
        out.append(i == 0 ? "" : ",").append(value);
      }
      out.append("\r\n");
    }
    return out.toString();
  }

  static String neutraliseFormula(String value) {
    if (value.isEmpty() || "=+-@\t\r".indexOf(value.charAt(0)) < 0 || NUMBER.matcher(value).matches()) {
      return value;
    }
    return "'" + value;
  }

  private static String cell(String value) {
    String text = value == null ? "NULL" : value.replace('\n', ' ');
    return text.length() > MAX_CELL ? text.substring(0, MAX_CELL - 3) + "..." : text;
  }

  private static String rule(int[] widths) {
    StringBuilder rule = new StringBuilder("+");
    for (int width : widths) {
      rule.append("-".repeat(width + 2)).append('+');
    }
    return rule.append('\n').toString();
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(width - text.length());
  }
}
