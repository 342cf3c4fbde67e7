package io.sentimentpipeline.udfs.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The few pieces of the protobuf wire format needed to walk an ONNX file: tags, varints and
 * length-delimited fields. Avoids a protobuf-java dependency (whose versions clash in this stack).
 */
final class ProtoReader {

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final ByteBuffer buf;
  private int wireType;
  private int fieldStart;

  ProtoReader(ByteBuffer buf) {
    this.buf = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  boolean hasNext() {
    return buf.hasRemaining();
  }

  /** Reads the next tag and returns its field number; {@link #wireType()} then tells its kind. */
  int nextField() {
    fieldStart = buf.position();
    long tag = readVarint();
    wireType = (int) (tag & 7);
    return (int) (tag >>> 3);
  }

  int wireType() {
    return wireType;
  }

  long readVarint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = buf.get();
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IllegalStateException("malformed varint at byte " + buf.position());
  }

  /** A FIXED32 value (e.g. one unpacked float). */
  int readFixed32() {
    return buf.getInt();
  }

  /** The bytes of a length-delimited field, as a view (no copy). */
  ByteBuffer readBytes() {
    int length = Math.toIntExact(readVarint());
    if (length > buf.remaining()) {
      throw new IllegalStateException(
          "truncated protobuf: field of " + length + " bytes, " + buf.remaining() + " left");
    }
    ByteBuffer view = buf.slice(buf.position(), length).order(ByteOrder.LITTLE_ENDIAN);
    buf.position(buf.position() + length);
    return view;
  }

  String readString() {
    ByteBuffer bytes = readBytes();
    byte[] chars = new byte[bytes.remaining()];
    bytes.get(chars);
    return new String(chars, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The whole last field, tag included, as a view: call after reading or skipping its value, to
   * copy a field unchanged into a {@link ProtoWriter}.
   */
  ByteBuffer rawField() {
    return buf.slice(fieldStart, buf.position() - fieldStart);
  }

  /** Skips the value of the field whose tag was just read. */
  void skip() {
    switch (wireType) {
      case VARINT -> readVarint();
      case FIXED64 -> buf.position(buf.position() + 8);
      case LENGTH_DELIMITED -> readBytes();
      case FIXED32 -> buf.position(buf.position() + 4);
      default -> throw new IllegalStateException("unsupported protobuf wire type " + wireType);
    }
  }
}
