package dev.courier.task.control;

import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskRequest;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.Optional;

/**
 * Records each step of an attempt in a transaction of its own, apart from the consumer's: a failed
 * attempt stays visible while the consumer's transaction rolls back so that the broker redelivers,
 * and the consumer's transaction holds only the JMS acknowledgement (one resource, no two-phase
 * commit per task). A step repeated after a crash finds the task's state and does not run it twice.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class TaskAttempts {

  @PersistenceContext EntityManager em;

  /** Starts an attempt of a stored task; empty if it must not run (finished or cancelled). */
  public Optional<TaskContext> start(String taskId) throws TaskNotFound {
    Task task = em.find(Task.class, taskId, LockModeType.PESSIMISTIC_WRITE);
    if (task == null) {
      throw new TaskNotFound(taskId);
    }
    return begin(task);
  }

  /** Stores a task a client submitted as a JMS message (once per message) and starts an attempt. */
  public Optional<TaskContext> intake(String messageId, TaskRequest request, Instant sentAt) {
    Task task =
        em.createNamedQuery(Task.BY_MESSAGE, Task.class)
            .setParameter("messageId", messageId)
            .setLockMode(LockModeType.PESSIMISTIC_WRITE)
            .getResultStream()
            .findFirst()
            .orElseGet(
                () -> {
                  Task received = Task.receivedAs(messageId, request, sentAt);
                  em.persist(received);
                  return received;
                });
    return begin(task);
  }

  private Optional<TaskContext> begin(Task task) {
    if (task.state().isFinal()) {
      return Optional.empty();
    }
    task.startAttempt(Instant.now());
    return Optional.of(new TaskContext(task.id(), task.type(), task.payload(), task.attempts()));
  }

  public void succeed(String taskId, String resultJson) {
    em.find(Task.class, taskId, LockModeType.PESSIMISTIC_WRITE).succeed(resultJson, Instant.now());
  }

  public void fail(String taskId, String reason, boolean lastAttempt) {
    em.find(Task.class, taskId, LockModeType.PESSIMISTIC_WRITE)
        .fail(reason, lastAttempt, Instant.now());
  }
}
