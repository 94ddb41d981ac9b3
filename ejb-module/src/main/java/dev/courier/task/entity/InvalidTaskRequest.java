package dev.courier.task.entity;

import jakarta.ejb.ApplicationException;

/**
 * A submission that cannot become a task; the message says what is wrong with it, for the
 * submitter.
 */
@ApplicationException(rollback = true)
public class InvalidTaskRequest extends RuntimeException {

  private final String title;

  public InvalidTaskRequest(String title, String detail) {
    super(detail);
    this.title = title;
  }

  public static InvalidTaskRequest malformed(String detail) {
    return new InvalidTaskRequest("Malformed task request", detail);
  }

  public static InvalidTaskRequest unknownType(String type) {
    return new InvalidTaskRequest(
        "Unknown task type", "no handler is registered for task type '" + type + "'");
  }

  public static InvalidTaskRequest tooLarge(long bytes, long limit) {
    return new InvalidTaskRequest(
        "Task request too large",
        "the request has " + bytes + " bytes; the limit is " + limit + " bytes");
  }

  /** The same refusal, naming the request's place in a batch. */
  public InvalidTaskRequest inBatch(int index) {
    return new InvalidTaskRequest(title, "task " + index + " of the batch: " + getMessage());
  }

  public String title() {
    return title;
  }
}
