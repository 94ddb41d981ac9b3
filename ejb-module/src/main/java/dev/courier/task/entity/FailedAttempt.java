package dev.courier.task.entity;

import static dev.courier.json.Jsons.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One failed attempt of a task, kept beside the task so that its page shows every error, not only
 * the last one. Written only when an attempt fails, so a task that succeeds costs no extra row.
 */
@Entity
@Table(
    name = "COURIER_TASK_FAILURE",
    indexes = @Index(name = "COURIER_TASK_FAILURE_TASK", columnList = "TASK_ID"))
@NamedQuery(
    name = FailedAttempt.OF_TASK,
    query = "select f from FailedAttempt f where f.taskId = :taskId order by f.failedAt, f.attempt")
public class FailedAttempt {

  public static final String OF_TASK = "FailedAttempt.ofTask";

  @Id
  @Column(length = 36)
  private String id;

  @Column(name = "TASK_ID", nullable = false, length = 36)
  private String taskId;

  private int attempt;

  private Instant startedAt;

  @Column(nullable = false)
  private Instant failedAt;

  /** The state the failure left the task in: FAILED (to be retried), DEAD or CANCELLED. */
  @Column(nullable = false, length = 20)
  private String outcome;

  @Column(length = Task.MAX_ERROR_LENGTH)
  private String error;

  protected FailedAttempt() {}

  /** The attempt {@code task} has just failed with {@code reason} ({@link Task#fail} applied). */
  public static FailedAttempt of(Task task, String reason, Instant now) {
    var failed = new FailedAttempt();
    failed.id = UUID.randomUUID().toString();
    failed.taskId = task.id();
    failed.attempt = task.attempts();
    failed.startedAt = task.startedAt();
    failed.failedAt = now;
    failed.outcome = task.state().name();
    failed.error = Task.truncate(reason);
    return failed;
  }

  public JsonObject toJson() {
    return JSON.createObjectBuilder()
        .add("attempt", attempt)
        .add(
            "startedAt",
            startedAt == null ? JsonValue.NULL : JSON.createValue(startedAt.toString()))
        .add("failedAt", failedAt.toString())
        .add("outcome", outcome)
        .add("error", error == null ? JsonValue.NULL : JSON.createValue(error))
        .build();
  }
}
