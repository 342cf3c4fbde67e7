package io.sentimentpipeline.udfs.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.regex.Pattern;
import org.apache.commons.text.StringEscapeUtils;

/**
 * Turns raw review or news text into the normalised text the rest of the pipeline sees: mojibake
 * repaired, HTML tags and entities removed, Unicode NFKC, control and format characters dropped,
 * whitespace collapsed. Spark-free so it can be tested directly; Spark calls it through {@link
 * TextFunctions}.
 */
public final class TextCleaner {

  /** Windows-1252 characters for bytes 0x80-0x9F, by byte offset; '\0' where the byte is unused. */
  private static final String WINDOWS_1252_HIGH =
      "€\0‚ƒ„…†‡ˆ‰Š‹Œ\0Ž\0\0‘’“”•–—˜™š›œ\0žŸ";
  /** Two-character sequences UTF-8 text gets when it is decoded as Windows-1252 or Latin-1. */
  private static final Pattern MOJIBAKE_HINT = Pattern.compile("[ÃÂâ][\\u0080-\\u00BF€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]");

  private static final Pattern SCRIPT_OR_STYLE =
      Pattern.compile("(?is)<(script|style)\\b[^>]*>.*?</\\1\\s*>");
  private static final Pattern COMMENT = Pattern.compile("(?s)<!--.*?-->");
  private static final Pattern BLOCK_TAG =
      Pattern.compile("(?i)</?(p|br|div|li|ul|ol|tr|td|th|h[1-6]|blockquote|section|article|hr)\\b[^<>]*>");
  private static final Pattern ANY_TAG = Pattern.compile("</?[a-zA-Z][a-zA-Z0-9]*\\b[^<>]*>");
  private static final Pattern CONTROL_OR_FORMAT = Pattern.compile("[\\p{Cc}\\p{Cf}&&[^\\t\\n\\r\\f]]");
  private static final Pattern WHITESPACE_RUN = Pattern.compile("[\\s\\p{Z}]+");

  private TextCleaner() {}

  /** The cleaned text, or {@code null} for {@code null} input; may be empty. */
  public static String clean(String raw) {
    if (raw == null) {
      return null;
    }
    String text = repairMojibake(raw);
    text = stripHtml(text);
    text = Normalizer.normalize(text, Normalizer.Form.NFKC);
    text = CONTROL_OR_FORMAT.matcher(text).replaceAll("");
    return WHITESPACE_RUN.matcher(text).replaceAll(" ").strip();
  }

  /**
   * Decodes entities, then removes tags (keeping their text), until nothing changes: an encoded
   * {@code &lt;script&gt;} or a tag rebuilt by removing another ({@code <scr<b>ipt>}) never comes
   * out as live markup. "a &lt; b" stays a literal "a < b".
   */
  static String stripHtml(String text) {
    String current = text;
    for (int round = 0; round < 8 && (current.indexOf('<') >= 0 || current.indexOf('&') >= 0); round++) {
      String stripped = StringEscapeUtils.unescapeHtml4(current);
      stripped = SCRIPT_OR_STYLE.matcher(stripped).replaceAll(" ");
      stripped = COMMENT.matcher(stripped).replaceAll(" ");
      stripped = BLOCK_TAG.matcher(stripped).replaceAll(" ");
      stripped = ANY_TAG.matcher(stripped).replaceAll("");
      if (stripped.equals(current)) {
        break;
      }
      current = stripped;
    }
    return current;
  }

  /**
   * Undoes the commonest mojibake (UTF-8 bytes shown as Windows-1252 or Latin-1), only when the
   * round trip is lossless: text that merely contains "Ã" or "â" is left alone.
   */
  static String repairMojibake(String text) {
    if (!MOJIBAKE_HINT.matcher(text).find()) {
      return text;
    }
    byte[] bytes = new byte[text.length()];
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int b = c <= 0xFF ? c : WINDOWS_1252_HIGH.indexOf(c);
      if (b < 0) {
        return text;
      }
      bytes[i] = (byte) (c <= 0xFF ? c : 0x80 + b);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException notMojibake) {
      return text;
    }
  }
}
