package io.sentimentpipeline.udfs.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextCleanerTest {

  @Test
  void removesTagsAndDecodesEntities() {
    assertThat(TextCleaner.clean("<p>Works <b>great</b> &amp; arrived early &#8212; 5&nbsp;stars</p>"))
        .isEqualTo("Works great & arrived early — 5 stars");
  }

  @Test
  void escapedMarkupNeverComesOutLiveAndComparisonsStay() {
    assertThat(TextCleaner.clean("ok &lt;script&gt;alert(1)&lt;/script&gt; fine")).isEqualTo("ok fine");
    assertThat(TextCleaner.clean("use &lt;b&gt;bold&lt;/b&gt; text")).isEqualTo("use bold text");
    assertThat(TextCleaner.clean("x &amp;lt;img src=x onerror=alert(1)&amp;gt; y")).isEqualTo("x y");
    assertThat(TextCleaner.clean("a <scr<b>ipt>alert(1)</script> b")).doesNotContain("<script");
    assertThat(TextCleaner.clean("a &lt; b and c > d, AT&amp;T")).isEqualTo("a < b and c > d, AT&T");
  }

  @Test
  void dropsScriptsAndComments() {
    assertThat(TextCleaner.clean("ok<script>alert('x')</script><!-- hidden --> fine"))
        .isEqualTo("ok fine");
  }

  @Test
  void appliesNfkcAndDropsControlAndFormatCharacters() {
    assertThat(TextCleaner.clean("ﬁne ｆｕｌｌ\u0000width\u200B text\u0007")).isEqualTo("fine fullwidth text");
  }

  @Test
  void collapsesWhitespaceOfAnyKind() {
    assertThat(TextCleaner.clean("  a\t\tb \n c\u00A0\u2003d  ")).isEqualTo("a b c d");
  }

  @Test
  void repairsUtf8ReadAsWindows1252() {
    assertThat(TextCleaner.clean("cafÃ© â€œniceâ€\u009D itâ€™s Ã\u00A0 la mode"))
        .isEqualTo("café “nice” it’s à la mode");
  }

  @Test
  void leavesGenuineAccentsAlone() {
    assertThat(TextCleaner.clean("Ãrvore São Paulo â")).isEqualTo("Ãrvore São Paulo â");
  }

  @Test
  void blankBecomesEmptyAndNullStaysNull() {
    assertThat(TextCleaner.clean(" \t ")).isEmpty();
    assertThat(TextCleaner.clean(null)).isNull();
  }
}
