package dev.courier.task.control;

import dev.courier.task.entity.FailedAttempt;
import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskRequest;
import dev.courier.task.entity.TaskState;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Records each step of an attempt in a transaction of its own, apart from the consumer's: a failed
 * attempt stays visible while the consumer's transaction rolls back so that the broker redelivers,
 * and the consumer's transaction holds only the JMS acknowledgement (one resource, no two-phase
 * commit per task). A step repeated after a crash finds the task's state and does not run it twice.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class TaskAttempts {

  private static final Logger LOG = Logger.getLogger(TaskAttempts.class.getName());

  @PersistenceContext EntityManager em;
  @Inject IdempotencyKeys keys;

  /** A started attempt, as the runner needs it. */
  public record Attempt(
      String id,
      String type,
      JsonObject payload,
      int number,
      String queue,
      Integer timeoutSeconds) {}

  /**
   * Starts an attempt of a stored task; empty if it must not run (finished or cancelled). A dead
   * task whose dead letter was {@code retried} from outside Courier (the Artemis console or CLI)
   * starts afresh, as one retried through Courier's API does.
   */
  public Optional<Attempt> start(String taskId, boolean retried) throws TaskNotFound {
    Task task = em.find(Task.class, taskId, LockModeType.PESSIMISTIC_WRITE);
    if (task == null) {
      throw new TaskNotFound(taskId);
    }
    if (retried && task.state() == TaskState.DEAD) {
      LOG.info(() -> "task " + taskId + " is back from its dead-letter queue: it starts afresh");
      task.retry();
    }
    return begin(task);
  }

  /**
   * Stores a task a client submitted as a JMS message (once per message) and starts an attempt;
   * empty if the message repeats a key another task holds (the submission is a duplicate).
   */
  public Optional<Attempt> intake(
      String messageId, TaskRequest request, String queue, Instant sentAt) {
    Optional<Task> stored =
        em.createNamedQuery(Task.BY_MESSAGE, Task.class)
            .setParameter("messageId", messageId)
            .setLockMode(LockModeType.PESSIMISTIC_WRITE)
            .getResultStream()
            .findFirst();
    if (stored.isPresent()) {
      return begin(stored.get());
    }
    Task received = Task.receivedAs(messageId, request, queue, sentAt);
    if (keys.claim(received, Instant.now()).isPresent()) {
      return Optional.empty();
    }
    em.persist(received);
    return begin(received);
  }

  private Optional<Attempt> begin(Task task) {
    if (task.state().isFinal() || !task.startAttempt(Instant.now())) {
      return Optional.empty();
    }
    return Optional.of(
        new Attempt(
            task.id(),
            task.type(),
            task.payload(),
            task.attempts(),
            task.queue(),
            task.timeoutSeconds()));
  }

  public void succeed(String taskId, String resultJson) {
    em.find(Task.class, taskId, LockModeType.PESSIMISTIC_WRITE).succeed(resultJson, Instant.now());
  }

  /** Records a failed attempt; answers the state the task is in now. */
  public TaskState fail(String taskId, String reason, boolean lastAttempt) {
    Task task = em.find(Task.class, taskId, LockModeType.PESSIMISTIC_WRITE);
    Instant now = Instant.now();
    task.fail(reason, lastAttempt, now);
    em.persist(FailedAttempt.of(task, reason, now));
    return task.state();
  }

  /** The attempt stopped because the task was cancelled while it ran. */
  public void cancelled(String taskId) {
    Task task = em.find(Task.class, taskId, LockModeType.PESSIMISTIC_WRITE);
    if (task.state() == TaskState.PROCESSING) {
      task.cancelled(Instant.now());
    }
  }

  /** A dead task goes back to ENQUEUED with its attempts reset, as its dead letter is retried. */
  public void retry(String taskId) {
    em.find(Task.class, taskId, LockModeType.PESSIMISTIC_WRITE).retry();
  }

  public void progress(String taskId, int percent, String message) {
    Task task = em.find(Task.class, taskId, LockModeType.PESSIMISTIC_WRITE);
    if (task != null && task.state() == TaskState.PROCESSING) {
      task.progress(percent, message, Instant.now());
    }
  }
}
