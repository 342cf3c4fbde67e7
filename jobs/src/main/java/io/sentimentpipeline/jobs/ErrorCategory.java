package io.sentimentpipeline.jobs;

/**
 * Why a command failed, as a process exit code, so a scheduler can tell a bad flag from bad data
 * from a bug (codes follow BSD sysexits).
 */
public enum ErrorCategory {
  /** Wrong flag, bad configuration key or value: fix the command or the conf file. */
  USAGE_OR_CONFIG(64),
  /** Input files missing or unreadable as configured: fix the data or the source definition. */
  BAD_INPUT(65),
  /** Anything else: a bug or an environment failure; retrying may help, the log says more. */
  INTERNAL(70),
  /** Another run of the same stage is writing the same warehouse: nothing was written; run again later. */
  TEMPORARY(75);

  private final int exitCode;

  ErrorCategory(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
