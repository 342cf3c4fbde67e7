package io.sentimentpipeline.jobs;

/** A failure with a category (its exit code) and a message that says what failed, where, and what to do. */
public class PipelineException extends RuntimeException {

  private final ErrorCategory category;

  public PipelineException(ErrorCategory category, String message) {
    super(message);
    this.category = category;
  }

  public PipelineException(ErrorCategory category, String message, Throwable cause) {
    super(message, cause);
    this.category = category;
  }

  public ErrorCategory category() {
    return category;
  }
}
