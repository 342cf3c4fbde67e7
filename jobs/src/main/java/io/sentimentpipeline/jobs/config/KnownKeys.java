package io.sentimentpipeline.jobs.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys a configuration may have: a tree taken from the reference (the embedded default), in
 * which some objects are open-ended maps (any key, each with the same shape) and some lists hold
 * objects of a fixed shape. {@link #unknownKeys} walks a user configuration against it and names
 * each key the tree does not have, with the nearest known key when one is close.
 */
final class KnownKeys {

  /** One node of the tree. */
  sealed interface Shape permits Leaf, Fields, AnyKey, ListOf {}

  /** A value; its type is the binder's business. */
  record Leaf() implements Shape {}

  /** An object with these keys only. */
  record Fields(Map<String, Shape> fields) implements Shape {}

  /** An object whose keys are free; every value has the shape {@code value}. */
  record AnyKey(Shape value) implements Shape {}

  /** A list; its object elements have the shape {@code element}, named by {@code nameKey} in messages. */
  record ListOf(Fields element, String nameKey) implements Shape {}

  /** A key the tree does not have: its full path, where it was set, the nearest known keys (maybe none). */
  record Unknown(String key, String origin, List<String> suggestions) {
    String message() {
      return "Configuration key '" + key + "' (" + origin + ") is not a known key"
          + (suggestions.isEmpty()
              ? "; see conf/local.conf for the keys there are"
              : "; did you mean " + String.join(" or ", suggestions) + "?");
    }
  }

  static final Leaf LEAF = new Leaf();

  private static final int MAX_SUGGESTIONS = 3;

  private KnownKeys() {}

  /** The shape of {@code reference}, every object a {@link Fields}, every list a {@link Leaf}. */
  static Fields shapeOf(ConfigObject reference) {
    Map<String, Shape> fields = new LinkedHashMap<>();
    reference.forEach(
        (key, value) ->
            fields.put(key, value.valueType() == ConfigValueType.OBJECT ? shapeOf((ConfigObject) value) : LEAF));
    return new Fields(fields);
  }

  /** {@code root} with the node at {@code path} (which must exist up to its parent) replaced by {@code shape}. */
  static Fields replace(Fields root, List<String> path, Shape shape) {
    Map<String, Shape> fields = new LinkedHashMap<>(root.fields());
    String head = path.get(0);
    if (path.size() == 1) {
      fields.put(head, shape);
    } else if (fields.get(head) instanceof Fields child) {
      fields.put(head, replace(child, path.subList(1, path.size()), shape));
    } else {
      throw new IllegalArgumentException("reference has no object at " + path);
    }
    return new Fields(fields);
  }

  /** Every key of {@code config} that {@code shape} does not have, in the order they appear. */
  static List<Unknown> unknownKeys(Fields shape, ConfigObject config) {
    List<Unknown> unknown = new ArrayList<>();
    walk(shape, config, new ArrayList<>(), unknown);
    return unknown;
  }

  private static void walk(Shape shape, ConfigValue value, List<String> path, List<Unknown> unknown) {
    // Another type than the shape wants (a number for an object): the binder names the type needed.
    if (shape instanceof Fields fields && value instanceof ConfigObject object) {
      for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
        List<String> child = append(path, entry.getKey());
        Shape known = fields.fields().get(entry.getKey());
        if (known != null) {
          walk(known, entry.getValue(), child, unknown);
        } else {
          reportUnknown(fields, path, child, entry.getValue(), unknown);
        }
      }
    } else if (shape instanceof AnyKey any && value instanceof ConfigObject object) {
      object.forEach((key, child) -> walk(any.value(), child, append(path, key), unknown));
    } else if (shape instanceof ListOf list && value instanceof ConfigList elements) {
      for (int i = 0; i < elements.size(); i++) {
        ConfigValue element = elements.get(i);
        ConfigValue name = element instanceof ConfigObject object ? object.get(list.nameKey()) : null;
        String label = name != null && name.valueType() == ConfigValueType.STRING ? (String) name.unwrapped() : "#" + i;
        walk(list.element(), element, append(path, label), unknown);
      }
    }
  }

  /**
   * {@code value} sits at {@code path}, a key {@code parent} (at {@code parentPath}) lacks: names its
   * first leaf, where that was set, and the nearest known keys: the unknown segment replaced by the
   * nearest key or section of {@code parent}, with the rest of the leaf's path where that is known.
   */
  private static void reportUnknown(
      Fields parent, List<String> parentPath, List<String> path, ConfigValue value, List<Unknown> unknown) {
    List<String> leafPath = new ArrayList<>(path);
    ConfigValue leaf = value;
    while (leaf instanceof ConfigObject object && !object.isEmpty()) {
      Map.Entry<String, ConfigValue> first = object.entrySet().iterator().next();
      leafPath.add(first.getKey());
      leaf = first.getValue();
    }
    List<String> rest = leafPath.subList(path.size(), leafPath.size());
    List<String> suggestions = new ArrayList<>();
    for (String candidate : nearest(ConfigUtil.joinPath(List.of(path.get(path.size() - 1))), paths(parent))) {
      List<String> relative = new ArrayList<>(ConfigUtil.splitPath(candidate));
      List<String> withRest = new ArrayList<>(relative);
      withRest.addAll(rest);
      List<String> full = new ArrayList<>(parentPath);
      full.addAll(known(parent, withRest) ? withRest : relative);
      suggestions.add(ConfigUtil.joinPath(full));
    }
    unknown.add(new Unknown(ConfigUtil.joinPath(leafPath), Origins.describe(leaf.origin()), suggestions));
  }

  /** Whether {@code shape} has the key at {@code path} (relative to it). */
  private static boolean known(Shape shape, List<String> path) {
    if (path.isEmpty() || shape instanceof ListOf) {
      return true;
    }
    if (shape instanceof Fields fields) {
      Shape child = fields.fields().get(path.get(0));
      return child != null && known(child, path.subList(1, path.size()));
    }
    if (shape instanceof AnyKey any) {
      return known(any.value(), path.subList(1, path.size()));
    }
    return false; // below a leaf
  }

  /** The paths of the keys and sections under {@code shape}, relative to it; open-ended maps end a path. */
  private static Set<String> paths(Fields shape) {
    Set<String> paths = new TreeSet<>();
    collect(shape, new ArrayList<>(), paths);
    return paths;
  }

  private static void collect(Shape shape, List<String> path, Set<String> paths) {
    if (!path.isEmpty()) {
      paths.add(ConfigUtil.joinPath(path));
    }
    if (shape instanceof Fields fields) {
      fields.fields().forEach((key, child) -> collect(child, append(path, key), paths));
    }
  }

  /**
   * The candidates closest to {@code key} (one segment): by edit distance to the candidate's whole
   * path, or to its last segment at one edit more (the right name under the wrong section); on a tie
   * whole-path matches win. Only candidates within about a quarter of the key's length are offered.
   */
  static List<String> nearest(String key, Set<String> candidates) {
    int limit = Math.max(1, Math.min(3, key.length() / 4));
    int best = limit + 1;
    boolean bestIsWhole = false;
    List<String> closest = new ArrayList<>();
    for (String candidate : candidates) {
      List<String> segments = ConfigUtil.splitPath(candidate);
      int whole = distance(key, candidate);
      int distance = Math.min(whole, distance(key, ConfigUtil.joinPath(List.of(segments.get(segments.size() - 1)))) + 1);
      boolean isWhole = whole == distance;
      if (distance < best || (distance == best && isWhole && !bestIsWhole)) {
        best = distance;
        bestIsWhole = isWhole;
        closest.clear();
        closest.add(candidate);
      } else if (distance == best && isWhole == bestIsWhole) {
        closest.add(candidate);
      }
    }
    return closest.size() > MAX_SUGGESTIONS ? closest.subList(0, MAX_SUGGESTIONS) : closest;
  }

  /** Damerau-Levenshtein distance (optimal string alignment: insert, delete, substitute, swap neighbours). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  private static List<String> append(List<String> path, String key) {
    List<String> child = new ArrayList<>(path);
    child.add(key);
    return child;
  }
}
