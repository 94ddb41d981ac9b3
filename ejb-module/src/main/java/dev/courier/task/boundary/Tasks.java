package dev.courier.task.boundary;

import dev.courier.task.control.Handlers;
import dev.courier.task.control.TaskMessages;
import dev.courier.task.entity.InvalidTaskRequest;
import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskRequest;
import dev.courier.task.entity.TaskStats;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSConnectionFactoryDefinition;
import jakarta.jms.JMSContext;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Submits and finds tasks. A submission stores the task and sends its message in one transaction,
 * so a task is never stored without its message nor sent without its row.
 */
@DataSourceDefinition(
    name = "java:app/jdbc/courier",
    className = "org.h2.jdbcx.JdbcDataSource",
    url = "${MPCONFIG=courier.db.url}",
    user = "courier",
    password = "courier",
    minPoolSize = 2,
    maxPoolSize = 40)
@JMSConnectionFactoryDefinition(
    name = TaskMessages.CONNECTION_FACTORY,
    resourceAdapter = "courier-artemis",
    maxPoolSize = 40,
    transactional = true)
@Stateless
public class Tasks {

  @PersistenceContext EntityManager em;

  @Inject
  @JMSConnectionFactory(TaskMessages.CONNECTION_FACTORY)
  JMSContext jms;

  @Inject Handlers handlers;

  public Task submit(TaskRequest request) {
    if (!handlers.knows(request.type())) {
      throw InvalidTaskRequest.unknownType(request.type());
    }
    return enqueue(Task.submitted(request, Instant.now()), request);
  }

  /**
   * Stores a task that a client sent as a JMS message due later, and sends it on with the broker's
   * scheduled delivery; the caller's transaction consumes the client's message at the same time.
   */
  public Task schedule(String messageId, TaskRequest request, Instant sentAt) {
    return enqueue(Task.receivedAs(messageId, request, sentAt), request);
  }

  private Task enqueue(Task task, TaskRequest request) {
    em.persist(task);
    long delay = Math.max(0, Duration.between(Instant.now(), task.runAt()).toMillis());
    jms.createProducer()
        .setPriority(request.priority())
        .setDeliveryDelay(delay)
        .setProperty(TaskMessages.TASK_ID, task.id())
        .send(jms.createQueue(TaskMessages.QUEUE), request.toJson().toString());
    return task;
  }

  /** Cancels a task that has not started; its message, if still in the broker, is dropped. */
  public Optional<Task> cancel(String id) {
    Task task = em.find(Task.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (task != null) {
      task.cancel(Instant.now());
    }
    return Optional.ofNullable(task);
  }

  public Optional<Task> find(String id) {
    return Optional.ofNullable(em.find(Task.class, id));
  }

  /** Counts and timings of the tasks whose key starts with {@code keyPrefix}. */
  public TaskStats stats(String keyPrefix) {
    String escaped = keyPrefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    List<Object[]> rows =
        em.createQuery(
                "select t.state, t.createdAt, t.startedAt, t.finishedAt, t.runAt from Task t"
                    + " where t.key like :prefix escape '\\'",
                Object[].class)
            .setParameter("prefix", escaped + "%")
            .getResultList();
    return TaskStats.of(rows);
  }

  public List<Task> findByKey(String key) {
    return em.createNamedQuery(Task.BY_KEY, Task.class)
        .setParameter("key", key)
        .setMaxResults(100)
        .getResultList();
  }
}
