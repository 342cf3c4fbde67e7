package io.sentimentpipeline.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableFormatterTest {

  @Test
  void csvCellsASpreadsheetWouldRunAsFormulasAreNeutralised() {
    String csv = TableFormatter.csv(List.of("text", "score"), List.of(
        List.of("=HYPERLINK(\"http://x\",\"y\")", "-0.42"),
        List.of("+cmd|' /C calc'!A0", "1e-3"),
        List.of("-2+3", "+7"),
        List.of("@SUM(A1)", "\tTAB"),
        Arrays.asList("plain, text", null)));
    assertThat(csv.split("\r\n")).containsExactly(
        "text,score",
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-0.42",
        "'+cmd|' /C calc'!A0,1e-3",
        "'-2+3,+7",
        "'@SUM(A1),'\tTAB",
        "\"plain, text\",");
  }
}
