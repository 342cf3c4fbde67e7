package io.sentimentpipeline.udfs.model;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The writing half of {@link ProtoReader}: tags, varints and length-delimited fields, enough to
 * write the ONNX messages the exporter builds (the field numbers are those of the public onnx.proto).
 * A small writer rather than protobuf-java plus generated ONNX classes: ONNX Runtime's jar ships no
 * ONNX message classes, protobuf-java's versions clash in this stack (Spark, Hadoop and Spark NLP
 * each bring one), and the exporter needs about a dozen fields.
 */
final class ProtoWriter {

  private final ByteArrayOutputStream out;

  ProtoWriter() {
    this(1024);
  }

  ProtoWriter(int capacity) {
    out = new ByteArrayOutputStream(capacity);
  }

  ProtoWriter varint(int field, long value) {
    tag(field, ProtoReader.VARINT);
    rawVarint(value);
    return this;
  }

  ProtoWriter bytes(int field, byte[] value) {
    tag(field, ProtoReader.LENGTH_DELIMITED);
    rawVarint(value.length);
    out.write(value, 0, value.length);
    return this;
  }

  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  ProtoWriter message(int field, ProtoWriter message) {
    return bytes(field, message.toByteArray());
  }

  ProtoWriter fixed32(int field, float value) {
    tag(field, ProtoReader.FIXED32);
    int bits = Float.floatToIntBits(value);
    for (int i = 0; i < 4; i++) {
      out.write(bits >>> (8 * i));
    }
    return this;
  }

  /** Appends bytes that already are whole fields (e.g. {@link ProtoReader#rawField()}). */
  ProtoWriter raw(ByteBuffer fields) {
    ByteBuffer copy = fields.duplicate();
    byte[] chunk = new byte[Math.min(copy.remaining(), 1 << 16)];
    while (copy.hasRemaining()) {
      int n = Math.min(chunk.length, copy.remaining());
      copy.get(chunk, 0, n);
      out.write(chunk, 0, n);
    }
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  private void rawVarint(long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
