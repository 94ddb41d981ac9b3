package dev.courier.task.control;

/**
 * A handler's way to fail an attempt with a message meant for the people reading the task. A {@link
 * #permanent permanent} failure (bad input, a corrupt file) will fail again however often it is
 * tried: the task goes straight to DEAD and its message to the dead-letter queue.
 */
public class TaskFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public TaskFailure(String message) {
    this(message, true);
  }

  protected TaskFailure(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  /** A failure that no retry can mend. */
  public static TaskFailure permanent(String message) {
    return new TaskFailure(message, false);
  }

  public boolean isRetryable() {
    return retryable;
  }

  /**
   * Whether a handler's failure says that its payload has the wrong shape (a string where it reads
   * an object, a field missing, JSON it cannot read): no retry can mend that, whichever handler it
   * is. These are the JSON-P accessors' failures: ClassCastException, a JsonException, and a
   * NullPointerException thrown inside the JSON-P implementation.
   */
  static boolean isWrongShape(Throwable cause) {
    if (cause instanceof ClassCastException || cause instanceof jakarta.json.JsonException) {
      return true;
    }
    if (cause instanceof NullPointerException) {
      StackTraceElement[] stack = cause.getStackTrace();
      return stack.length > 0
          && (stack[0].getClassName().startsWith("org.eclipse.parsson.")
              || stack[0].getClassName().startsWith("jakarta.json."));
    }
    return false;
  }
}
