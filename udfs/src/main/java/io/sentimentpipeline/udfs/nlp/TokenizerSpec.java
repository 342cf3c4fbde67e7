package io.sentimentpipeline.udfs.nlp;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where an encoder's {@code tokenizer.json} lives and how long its id sequences may be. {@code
 * location} is {@code classpath:<resource>} (the tokenizers inside the bundled encoder jars), a
 * {@code tokenizer.json} file, or a Hugging Face checkpoint folder holding one.
 */
public record TokenizerSpec(String encoder, String location, int maxLength) implements Serializable {

  private static final String CLASSPATH = "classpath:";

  public TokenizerSpec {
    if (encoder == null || encoder.isBlank()) {
      throw new IllegalArgumentException("tokenize.encoder must name an encoder");
    }
    if (maxLength < 8 || maxLength > 8192) {
      throw new IllegalArgumentException(
          "tokenize.max-length must be between 8 and 8192, got " + maxLength);
    }
  }

  /** Opens the tokenizer.json; the caller closes the stream. */
  public InputStream open() throws IOException {
    if (location.startsWith(CLASSPATH)) {
      String resource = location.substring(CLASSPATH.length());
      InputStream in = TokenizerSpec.class.getClassLoader().getResourceAsStream(resource);
      if (in == null) {
        throw new IOException(
            "tokenizer resource '" + resource + "' of encoder '" + encoder
                + "' is not on the classpath (is the encoder's jar a dependency?)");
      }
      return in;
    }
    Path path = Path.of(location);
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "tokenizer file " + file + " of encoder '" + encoder + "' does not exist");
    }
    return Files.newInputStream(file);
  }

  /**
   * A stable name for the ids this spec produces: encoder, max length and a digest of the
   * tokenizer.json, so a changed vocabulary or limit never mixes with older rows.
   */
  public String tokenizerId() {
    try (InputStream in = open()) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest(in.readAllBytes());
      return encoder + "@" + HexFormat.of().formatHex(digest, 0, 6) + "/max" + maxLength;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
