package io.sentimentpipeline.jobs.serve;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.execution.command.SetCommand;
import scala.collection.JavaConverters;
import scala.runtime.BoxedUnit;

/**
 * What keeps {@code serve} read-only ({@code serve.read-only = true}): a check that runs after a
 * statement is analysed and before anything executes, in every session the Thrift server opens, and
 * refuses every statement that is not a read. An allow-list, because a list of writes to refuse would
 * miss the next one (Delta's UPDATE and MERGE are commands of their own): a plan passes if it holds no
 * command at all (a query), or if it is one of Spark's SHOW…, DESCRIBE…, EXPLAIN, USE, or SET that
 * only reads a setting. Also refused: {@code reflect}/{@code java_method}, which call any static Java method, and
 * every statement while {@code spark.sql.runSQLOnFiles} is on in the session (a client can pass it
 * when it connects, without a SET), since SQL on files reads any file the server's account can read.
 */
final class ReadOnlyCheck {

  /** Commands that only read: USE in its three analysed forms and EXPLAIN, which runs nothing. */
  private static final Set<String> READING_COMMANDS =
      Set.of("SetCatalogAndNamespace", "SetCatalogCommand", "SetNamespaceCommand", "ExplainCommand");

  /** Delta's DESCRIBE DETAIL and HISTORY take a path as well as a table name: not allowed. */
  private static final String DELTA_PACKAGE = "org.apache.spark.sql.delta.";

  private ReadOnlyCheck() {}

  /**
   * Adds the check to every session built from now on with {@code extensions}; the Thrift server
   * builds one per connection. Sessions that exist already (the one that registered the tables) keep
   * their analyser without it.
   */
  static void install(SparkSessionExtensions extensions) {
    extensions.injectCheckRule(
        session ->
            plan -> {
              check(session, plan);
              return BoxedUnit.UNIT;
            });
  }

  static void check(SparkSession session, LogicalPlan plan) {
    if (session.sessionState().conf().runSQLonFile()) {
      throw refused("spark.sql.runSQLOnFiles is on in this session; SQL on files reads any file the server can");
    }
    String name = plan.nodeName();
    boolean spark = !plan.getClass().getName().startsWith(DELTA_PACKAGE);
    if (spark && (name.startsWith("Show") || name.startsWith("Describe") || READING_COMMANDS.contains(name))) {
      return;
    }
    if (plan instanceof SetCommand set && (set.kv().isEmpty() || set.kv().get()._2().isEmpty())) {
      return; // SET, SET -v, SET key: reads
    }
    requireQuery(plan);
  }

  /** Throws unless no node of the plan, its subqueries included, writes or runs arbitrary code. */
  private static void requireQuery(LogicalPlan plan) {
    if (plan instanceof Command || plan instanceof ParsedStatement) {
      throw refused(plan.nodeName() + " is not a query");
    }
    for (Expression expression : JavaConverters.seqAsJavaList(plan.expressions())) {
      if (expression.find(e -> e instanceof CallMethodViaReflection).isDefined()) {
        throw refused("reflect/java_method call Java methods");
      }
    }
    JavaConverters.seqAsJavaList(plan.children()).forEach(ReadOnlyCheck::requireQuery);
    JavaConverters.seqAsJavaList(plan.subqueries()).forEach(ReadOnlyCheck::requireQuery);
  }

  private static PipelineException refused(String why) {
    return new PipelineException(
        ErrorCategory.USAGE_OR_CONFIG,
        "serve is read-only (serve.read-only = true): " + why + ". Allowed: SELECT, SHOW, DESCRIBE, EXPLAIN, USE"
            + " and SET to read a setting. To allow writes, restart serve with --set serve.read-only=false");
  }
}
