package io.sentimentpipeline.udfs.train;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's grad mode is per thread and starts ON in every new thread; DJL only switches it off in
 * the thread that loads the engine. In any other thread (a Spark task, a thread pool) a forward
 * pass would record an autograd graph and the optimizer's in-place updates would fail ("a view was
 * created in no_grad mode and is being modified inplace with grad mode enabled"). The trainer turns
 * it off for its own work and restores it afterwards; so does scoring (public for that).
 */
public final class GradMode {

  private GradMode() {}

  /** Switches grad mode off for this thread; returns what it was. */
  public static boolean disable() {
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    return previous;
  }

  public static void restore(boolean previous) {
    JniUtils.setGradMode(previous);
  }
}
