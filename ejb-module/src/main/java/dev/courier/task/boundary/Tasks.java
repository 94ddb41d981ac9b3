package dev.courier.task.boundary;

import dev.courier.observe.TaskMetrics;
import dev.courier.queue.control.TaskQueues;
import dev.courier.task.control.Handlers;
import dev.courier.task.control.IdempotencyKeys;
import dev.courier.task.control.TaskMessages;
import dev.courier.task.control.TaskPolicies;
import dev.courier.task.entity.FailedAttempt;
import dev.courier.task.entity.InvalidTaskRequest;
import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskFilter;
import dev.courier.task.entity.TaskRequest;
import dev.courier.task.entity.TaskState;
import dev.courier.task.entity.TaskStats;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSConnectionFactoryDefinition;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Submits and finds tasks. A submission stores the task and sends its message in one transaction,
 * so a task is never stored without its message nor sent without its row.
 */
@DataSourceDefinition(
    name = "java:app/jdbc/courier",
    className = "dev.courier.store.StoreDataSource",
    url = "${MPCONFIG=courier.db.url}",
    // no default password (README "Security"); the dev profile sets one
    user = "${MPCONFIG=courier.db.user}",
    password = "${MPCONFIG=courier.db.password}",
    minPoolSize = 2,
    maxPoolSize = 40)
@JMSConnectionFactoryDefinition(
    name = TaskMessages.CONNECTION_FACTORY,
    resourceAdapter = "courier-artemis",
    // Courier's own account on its broker (README "Security")
    user = "${MPCONFIG=courier.broker.user}",
    password = "${MPCONFIG=courier.broker.password}",
    maxPoolSize = 40,
    transactional = true)
@Stateless
public class Tasks {

  @PersistenceContext EntityManager em;

  @Inject
  @JMSConnectionFactory(TaskMessages.CONNECTION_FACTORY)
  JMSContext jms;

  @Inject Handlers handlers;
  @Inject TaskQueues queues;
  @Inject TaskPolicies policies;
  @Inject IdempotencyKeys keys;
  @Inject TaskMetrics metrics;

  /** A submission's outcome: a new task, or the one that already holds the submission's key. */
  public record Submission(Task task, boolean created) {}

  public Submission submit(TaskRequest request) {
    return submit(request, null);
  }

  /** Submits a task on behalf of {@code owner} (an API user; null for Courier's own). */
  public Submission submit(TaskRequest request, String owner) {
    if (!handlers.knows(request.type())) {
      throw InvalidTaskRequest.unknownType(request.type());
    }
    Instant now = Instant.now();
    Task task = Task.submitted(request, queueFor(request), now);
    task.ownedBy(owner);
    Optional<Task> holder = keys.claim(task, now);
    if (holder.isPresent()) {
      return new Submission(holder.get(), false);
    }
    em.persist(task);
    send(task, request, task.runAt().toEpochMilli(), null);
    metrics.submitted(task.type(), task.queue());
    return new Submission(task, true);
  }

  /** The queue a request goes to: its own, or its type's. */
  public String queueFor(TaskRequest request) {
    if (request.queue() == null) {
      return policies.of(request.type()).queue();
    }
    if (!queues.exists(request.queue())) {
      throw new InvalidTaskRequest(
          "Unknown queue",
          "there is no queue '" + request.queue() + "'; the queues are " + queues.names());
    }
    return request.queue();
  }

  /** The task that holds {@code key} now, if any (for a submission that lost a race for it). */
  public Optional<Task> holderOf(String key) {
    return keys.holder(key, Instant.now());
  }

  /**
   * Stores a task that a client sent as a JMS message, and sends it on to its queue for delivery at
   * {@code deliverAt} (epoch ms; later for a due time or a rate-limit slot); the caller's
   * transaction consumes the client's message at the same time. A key another task holds makes it a
   * duplicate: nothing is stored or sent.
   */
  public void accept(
      String messageId, TaskRequest request, Instant sentAt, long deliverAt, Long rateSlot) {
    Optional<Task> stored =
        em.createNamedQuery(Task.BY_MESSAGE, Task.class)
            .setParameter("messageId", messageId)
            .getResultStream()
            .findFirst();
    if (stored.isPresent()) {
      // a dead letter of this submission was retried: the task exists, send it on
      if (!stored.get().state().isFinal()) {
        send(stored.get(), request, deliverAt, rateSlot);
      }
      return;
    }
    Task task = Task.receivedAs(messageId, request, queueFor(request), sentAt);
    if (keys.claim(task, Instant.now()).isPresent()) {
      return;
    }
    em.persist(task);
    send(task, request, deliverAt, rateSlot);
  }

  /**
   * Sends a stored task's message again, for delivery at {@code deliverAt} with its rate-limit slot
   * (the caller's transaction consumes the current message).
   */
  public void defer(
      String taskId, String type, int priority, String body, long deliverAt, long rateSlot) {
    Task task = em.find(Task.class, taskId);
    if (task == null) {
      return;
    }
    JMSProducer producer =
        producer(priority, deliverAt)
            .setProperty(TaskMessages.TASK_ID, taskId)
            .setProperty(TaskMessages.TASK_TYPE, type)
            .setProperty(TaskMessages.RATE_SLOT, rateSlot);
    if (task.groupKey() != null) {
      producer.setProperty(TaskMessages.GROUP, task.groupKey());
    }
    producer.send(jms.createQueue(TaskQueues.address(task.queue())), body);
  }

  private void send(Task task, TaskRequest request, long deliverAt, Long rateSlot) {
    JMSProducer producer =
        producer(request.priority(), deliverAt)
            .setProperty(TaskMessages.TASK_ID, task.id())
            .setProperty(TaskMessages.TASK_TYPE, task.type());
    if (rateSlot != null) {
      producer.setProperty(TaskMessages.RATE_SLOT, rateSlot.longValue());
    }
    if (task.groupKey() != null) {
      // Artemis message groups: one consumer at a time takes a group's messages, in order
      producer.setProperty(TaskMessages.GROUP, task.groupKey());
    }
    producer.send(jms.createQueue(TaskQueues.address(task.queue())), request.toJson().toString());
  }

  private JMSProducer producer(int priority, long deliverAt) {
    long delay = Math.max(0, deliverAt - System.currentTimeMillis());
    return jms.createProducer().setPriority(priority).setDeliveryDelay(delay);
  }

  /**
   * Cancels a task. One that has not started is CANCELLED now; a running one is marked and every
   * instance is told, so that the one running it interrupts its handler.
   */
  public Optional<Task> cancel(String id) {
    Task task = em.find(Task.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (task != null && task.cancel(Instant.now())) {
      jms.createProducer()
          .setProperty(TaskMessages.TASK_ID, id)
          .send(jms.createTopic(TaskMessages.CONTROL_TOPIC), "cancel");
    }
    return Optional.ofNullable(task);
  }

  public Optional<Task> find(String id) {
    return Optional.ofNullable(em.find(Task.class, id));
  }

  /** The task's failed attempts, oldest first. */
  public List<FailedAttempt> failures(String id) {
    return em.createNamedQuery(FailedAttempt.OF_TASK, FailedAttempt.class)
        .setParameter("taskId", id)
        .getResultList();
  }

  /** Counts and timings of the tasks whose key starts with {@code keyPrefix}. */
  public TaskStats stats(String keyPrefix) {
    List<Object[]> rows =
        em.createQuery(
                "select t.state, t.createdAt, t.startedAt, t.finishedAt, t.runAt from Task t"
                    + " where t.key like :prefix escape '\\'",
                Object[].class)
            .setParameter("prefix", likePrefix(keyPrefix))
            .getResultList();
    return TaskStats.of(rows);
  }

  /** How many tasks whose key starts with {@code keyPrefix} are in each state. */
  public Map<TaskState, Long> countByState(String keyPrefix) {
    Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
    em.createQuery(
            "select t.state, count(t) from Task t where t.key like :prefix escape '\\'"
                + " group by t.state",
            Object[].class)
        .setParameter("prefix", likePrefix(keyPrefix))
        .getResultList()
        .forEach(row -> counts.put((TaskState) row[0], ((Number) row[1]).longValue()));
    return counts;
  }

  /**
   * What the dashboard shows: tasks by state, by queue and state, and how many finished (succeeded
   * or dead) in each of the last {@code minutes} minutes, from the shared store (all instances).
   */
  public jakarta.json.JsonObject summary(int minutes) {
    var json = dev.courier.json.Jsons.JSON;
    var byState = json.createObjectBuilder();
    em.createQuery("select t.state, count(t) from Task t group by t.state", Object[].class)
        .getResultList()
        .forEach(row -> byState.add(((TaskState) row[0]).name(), ((Number) row[1]).longValue()));
    Map<String, jakarta.json.JsonObjectBuilder> queues = new java.util.TreeMap<>();
    em.createQuery(
            "select t.queue, t.state, count(t) from Task t group by t.queue, t.state",
            Object[].class)
        .getResultList()
        .forEach(
            row ->
                queues
                    .computeIfAbsent(
                        row[0] == null ? TaskQueues.DEFAULT : (String) row[0],
                        q -> json.createObjectBuilder())
                    .add(((TaskState) row[1]).name(), ((Number) row[2]).longValue()));
    var byQueue = json.createObjectBuilder();
    queues.forEach(byQueue::add);
    long nowMinute = Instant.now().getEpochSecond() / 60;
    long firstMinute = nowMinute - minutes + 1;
    long[][] counts = new long[minutes][2];
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT FLOOR(EXTRACT(EPOCH FROM FINISHEDAT) / 60), STATE, COUNT(*)"
                    + " FROM COURIER_TASK WHERE FINISHEDAT >= ? AND STATE IN ('SUCCEEDED', 'DEAD')"
                    + " GROUP BY FLOOR(EXTRACT(EPOCH FROM FINISHEDAT) / 60), STATE")
            .setParameter(1, java.sql.Timestamp.from(Instant.ofEpochSecond(firstMinute * 60)))
            .getResultList();
    for (Object[] row : rows) {
      int i = (int) (((Number) row[0]).longValue() - firstMinute);
      if (i >= 0 && i < minutes) {
        counts[i]["SUCCEEDED".equals(row[1]) ? 0 : 1] += ((Number) row[2]).longValue();
      }
    }
    var perMinute = json.createArrayBuilder();
    for (int i = 0; i < minutes; i++) {
      perMinute.add(
          json.createObjectBuilder()
              .add("minute", Instant.ofEpochSecond((firstMinute + i) * 60).toString())
              .add("succeeded", counts[i][0])
              .add("dead", counts[i][1]));
    }
    return json.createObjectBuilder()
        .add("byState", byState)
        .add("byQueue", byQueue)
        .add("perMinute", perMinute)
        .build();
  }

  /** One page of the tasks that match, newest first, and how many match in all. */
  public record Page(List<Task> items, long total) {}

  public Page list(TaskFilter filter) {
    CriteriaBuilder cb = em.getCriteriaBuilder();
    CriteriaQuery<Task> query = cb.createQuery(Task.class);
    Root<Task> task = query.from(Task.class);
    query.where(matching(cb, task, filter)).orderBy(cb.desc(task.get("createdAt")));
    List<Task> items =
        em.createQuery(query)
            .setFirstResult(filter.offset())
            .setMaxResults(filter.limit())
            .getResultList();
    CriteriaQuery<Long> count = cb.createQuery(Long.class);
    Root<Task> counted = count.from(Task.class);
    count.select(cb.count(counted)).where(matching(cb, counted, filter));
    return new Page(items, em.createQuery(count).getSingleResult());
  }

  private static Predicate[] matching(CriteriaBuilder cb, Root<Task> task, TaskFilter filter) {
    List<Predicate> where = new ArrayList<>();
    if (!filter.states().isEmpty()) {
      where.add(task.get("state").in(filter.states()));
    }
    if (filter.type() != null) {
      where.add(cb.equal(task.get("type"), filter.type()));
    }
    if (filter.queue() != null) {
      where.add(
          TaskQueues.DEFAULT.equals(filter.queue())
              ? cb.or(cb.isNull(task.get("queue")), cb.equal(task.get("queue"), filter.queue()))
              : cb.equal(task.get("queue"), filter.queue()));
    }
    if (filter.key() != null) {
      where.add(cb.equal(task.get("key"), filter.key()));
    }
    if (filter.owner() != null) {
      where.add(cb.equal(task.get("owner"), filter.owner()));
    }
    if (filter.keyPrefix() != null) {
      where.add(cb.like(task.get("key"), likePrefix(filter.keyPrefix()), '\\'));
    }
    if (filter.from() != null) {
      where.add(cb.greaterThanOrEqualTo(task.get("createdAt"), filter.from()));
    }
    if (filter.to() != null) {
      where.add(cb.lessThan(task.get("createdAt"), filter.to()));
    }
    return where.toArray(Predicate[]::new);
  }

  private static String likePrefix(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }
}
