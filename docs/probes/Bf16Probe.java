// Does DJL 0.36's PyTorch engine take bf16 tensors? (BENCHMARKS.md, "Training precision").
// Run from the repository root after a build (./pipeline builds on first use):
//   java -Dai.djl.offline=true -cp "$(cat jobs/target/launcher-classpath.txt)" docs/probes/Bf16Probe.java toType
// Modes: toType, toTypeCopy, createBytes, fp16then. A crash prints "terminate called without an active exception".
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import ai.djl.engine.Engine;
public class Bf16Probe {
  public static void main(String[] a) throws Exception {
    String mode = a[0];
    try (NDManager m = NDManager.newBaseManager()) {
      System.out.println("engine " + Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
      NDArray x = m.randomNormal(new Shape(256, 384));
      NDArray w = m.randomNormal(new Shape(384, 384));
      switch (mode) {
        case "toType" -> { NDArray b = x.toType(DataType.BFLOAT16, false); System.out.println(b.getDataType()); }
        case "toTypeCopy" -> { NDArray b = x.toType(DataType.BFLOAT16, true); System.out.println(b.getDataType()); }
        case "createBytes" -> {
          java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocateDirect(256*384*2).order(java.nio.ByteOrder.nativeOrder());
          NDArray b = m.create(bb, new Shape(256, 384), DataType.BFLOAT16); System.out.println(b.getDataType());
          NDArray c = b.matMul(b.transpose()); System.out.println(c.getDataType() + " " + c.getShape());
        }
        case "fp16then" -> { NDArray h = x.toType(DataType.FLOAT16, false); System.out.println(h.getDataType()); NDArray b = h.toType(DataType.BFLOAT16, false); System.out.println(b.getDataType()); }
        default -> throw new IllegalArgumentException(mode);
      }
    }
  }
}
