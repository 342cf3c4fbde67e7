import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Label agreement of ONNX models with a reference model on real token ids, per source: which Linear
 * layers int8 can take without moving labels (BENCHMARKS.md, "int8: which layers move labels").
 *
 * <p>Input: a CSV with a header and columns doc_id, source, ids (space-separated input ids, [CLS] …
 * [SEP]), as `pipeline sql --format csv` writes it; with a column label (the class index in the
 * bundle's labels.json order, empty or -1 for unlabelled) between source and ids, each model's
 * macro-F1 per source is printed too. Documents are sorted by length and scored in
 * batches of 64 padded to the batch's longest, 2 intra-op threads.
 *
 * <p>Run from the repository root (Java 17 runs a single source file):
 * {@code java -Devery=4 -Dkeep-all=phrasebank -cp "$(cat jobs/target/launcher-classpath.txt)"
 * docs/probes/Int8Agreement.java IDS.csv REFERENCE.onnx OTHER.onnx [OTHER.onnx ...]}
 * ({@code every}: keep every n-th document of each source except those named in {@code keep-all}).
 */
public class Int8Agreement {

  record Doc(String source, int label, long[] ids) {}

  public static void main(String[] args) throws Exception {
    int every = Integer.getInteger("every", 1);
    Set<String> keepAll = Set.of(System.getProperty("keep-all", "").split(","));
    List<Doc> docs = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    List<String> lines = Files.readAllLines(Path.of(args[0]));
    boolean labelled = lines.get(0).startsWith("doc_id,source,label,");
    for (String line : lines.subList(1, lines.size())) {
      String[] field = line.split(",", labelled ? 4 : 3);
      int n = seen.merge(field[1], 1, Integer::sum);
      if (keepAll.contains(field[1]) || (n - 1) % every == 0) {
        int label = labelled && !field[2].isEmpty() ? Integer.parseInt(field[2]) : -1;
        String ids = field[labelled ? 3 : 2];
        docs.add(new Doc(field[1], label, Arrays.stream(ids.trim().split(" ")).mapToLong(Long::parseLong).toArray()));
      }
    }
    docs.sort(Comparator.comparingInt(d -> d.ids().length));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int[] reference = null;
    float[][] referenceP = null;
    for (int m = 1; m < args.length; m++) {
      long start = System.nanoTime();
      float[][] p = probabilities(env, args[m], docs);
      int[] labels = argmax(p);
      double perSecond = docs.size() / ((System.nanoTime() - start) / 1e9);
      if (labelled) {
        System.out.printf("%s macro-F1:%s%n", args[m], macroF1PerSource(docs, labels));
      }
      if (reference == null) {
        reference = labels;
        referenceP = p;
        System.out.printf("%s reference, %d documents, %.1f docs/s%n", args[m], docs.size(), perSecond);
        continue;
      }
      for (String margin : System.getProperty("recheck-margins", "").split(",")) {
        if (!margin.isEmpty()) {
          recheck(docs, p, referenceP, reference, Double.parseDouble(margin));
        }
      }
      Map<String, int[]> agree = new TreeMap<>();
      int equal = 0;
      for (int i = 0; i < docs.size(); i++) {
        int[] counts = agree.computeIfAbsent(docs.get(i).source(), s -> new int[2]);
        boolean same = labels[i] == reference[i];
        counts[0] += same ? 1 : 0;
        counts[1]++;
        equal += same ? 1 : 0;
      }
      StringBuilder perSource = new StringBuilder();
      agree.forEach((source, c) -> perSource.append(String.format(" %s=%.2f%% of %d", source, 100.0 * c[0] / c[1], c[1])));
      System.out.printf("%s agreement=%.2f%%%s, %.1f docs/s%n", args[m], 100.0 * equal / docs.size(), perSource, perSecond);
    }
  }

  /**
   * What rescoring with the reference the documents whose top two probabilities are closer than
   * {@code margin} would give: the share rescored and the agreement after it, per source.
   */
  private static void recheck(List<Doc> docs, float[][] p, float[][] referenceP, int[] reference, double margin) {
    Map<String, int[]> counts = new TreeMap<>(); // source -> {agree, rescored, total}
    int agree = 0;
    int rescored = 0;
    int[] labels = new int[docs.size()];
    for (int i = 0; i < docs.size(); i++) {
      float[] sorted = p[i].clone();
      Arrays.sort(sorted);
      boolean again = sorted[sorted.length - 1] - sorted[sorted.length - 2] < margin;
      int label = argmax(again ? referenceP[i] : p[i]);
      labels[i] = label;
      int[] c = counts.computeIfAbsent(docs.get(i).source(), s -> new int[3]);
      c[0] += label == reference[i] ? 1 : 0;
      c[1] += again ? 1 : 0;
      c[2]++;
      agree += label == reference[i] ? 1 : 0;
      rescored += again ? 1 : 0;
    }
    StringBuilder perSource = new StringBuilder();
    counts.forEach((source, c) -> perSource.append(String.format(" %s=%.2f%% (%.1f%% rescored)", source, 100.0 * c[0] / c[2], 100.0 * c[1] / c[2])));
    System.out.printf("  recheck margin %.2f: agreement=%.2f%%, %.1f%% rescored;%s%n", margin, 100.0 * agree / docs.size(),
        100.0 * rescored / docs.size(), perSource);
    if (docs.stream().anyMatch(d -> d.label() >= 0)) {
      System.out.printf("  recheck margin %.2f macro-F1:%s%n", margin, macroF1PerSource(docs, labels));
    }
  }

  private static int[] argmax(float[][] p) {
    return Arrays.stream(p).mapToInt(Int8Agreement::argmax).toArray();
  }

  private static int argmax(float[] row) {
    int best = 0;
    for (int j = 1; j < row.length; j++) {
      best = row[j] > row[best] ? j : best;
    }
    return best;
  }

  /** Macro-F1 of {@code predicted} against the documents' labels, per source with labelled documents. */
  private static String macroF1PerSource(List<Doc> docs, int[] predicted) {
    Map<String, Map<Integer, int[]>> counts = new TreeMap<>(); // source -> class -> {tp, fp, fn}
    for (int i = 0; i < docs.size(); i++) {
      Doc doc = docs.get(i);
      if (doc.label() < 0) {
        continue;
      }
      Map<Integer, int[]> classes = counts.computeIfAbsent(doc.source(), s -> new TreeMap<>());
      if (predicted[i] == doc.label()) {
        classes.computeIfAbsent(doc.label(), c -> new int[3])[0]++;
      } else {
        classes.computeIfAbsent(predicted[i], c -> new int[3])[1]++;
        classes.computeIfAbsent(doc.label(), c -> new int[3])[2]++;
      }
    }
    StringBuilder out = new StringBuilder();
    counts.forEach((source, classes) -> {
      double sum = 0;
      for (int[] c : classes.values()) {
        sum += c[0] == 0 ? 0 : 2.0 * c[0] / (2.0 * c[0] + c[1] + c[2]);
      }
      out.append(String.format(" %s=%.4f", source, sum / classes.size()));
    });
    return out.toString();
  }

  private static float[][] probabilities(OrtEnvironment env, String model, List<Doc> docs) throws Exception {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(2);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      try (OrtSession session = env.createSession(model, options)) {
        float[][] out = new float[docs.size()][];
        for (int from = 0; from < docs.size(); from += 64) {
          int to = Math.min(docs.size(), from + 64);
          int rows = to - from;
          int length = docs.get(to - 1).ids().length;
          long[] ids = new long[rows * length];
          long[] mask = new long[rows * length];
          for (int r = 0; r < rows; r++) {
            long[] doc = docs.get(from + r).ids();
            System.arraycopy(doc, 0, ids, r * length, doc.length);
            Arrays.fill(mask, r * length, r * length + doc.length, 1L);
          }
          long[] shape = {rows, length};
          Map<String, OnnxTensor> inputs = new HashMap<>();
          inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
          inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
          if (session.getInputNames().contains("token_type_ids")) {
            inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[rows * length]), shape));
          }
          try (OrtSession.Result result = session.run(inputs)) {
            float[][] p = (float[][]) result.get("probabilities").orElseThrow().getValue();
            System.arraycopy(p, 0, out, from, rows);
          } finally {
            inputs.values().forEach(OnnxTensor::close);
          }
        }
        return out;
      }
    }
  }
}
