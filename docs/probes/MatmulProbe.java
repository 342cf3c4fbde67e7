// fp32 matmul GFLOP/s through DJL's PyTorch engine, to test oneDNN's implicit-bf16 switch:
//   OMP_NUM_THREADS=2 java -Dai.djl.offline=true -cp "$(cat jobs/target/launcher-classpath.txt)" docs/probes/MatmulProbe.java
//   ONEDNN_DEFAULT_FPMATH_MODE=BF16 OMP_NUM_THREADS=2 java ... (same)
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
public class MatmulProbe {
  public static void main(String[] a) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomNormal(new Shape(4096, 384));
      NDArray w = m.randomNormal(new Shape(384, 1536));
      for (int i = 0; i < 5; i++) try (NDManager s = m.newSubManager()) { NDArray y = x.matMul(w); y.attach(s); }
      int n = 40; long t = System.nanoTime();
      for (int i = 0; i < n; i++) try (NDManager s = m.newSubManager()) { NDArray y = x.matMul(w); y.attach(s); y.toFloatArray(); }
      double sec = (System.nanoTime() - t) / 1e9;
      System.out.printf("GFLOP/s=%.1f%n", 2.0 * 4096 * 384 * 1536 * n / sec / 1e9);
    }
  }
}
