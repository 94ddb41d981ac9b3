package dev.courier.task.boundary;

import dev.courier.queue.control.TaskQueues;
import dev.courier.task.control.TaskDispatch;
import dev.courier.task.control.TaskMessages;
import dev.courier.task.control.TaskSubmissions;
import dev.courier.task.entity.FailedAttempt;
import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskFilter;
import dev.courier.task.entity.TaskState;
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
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds, lists and cancels tasks (submissions go through {@link
 * dev.courier.task.control.TaskSubmissions}). Declares the task store's data source and the
 * connection factory of Courier's resource adapter.
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

  /** How long a read waits for the row of a task submitted here a moment ago. */
  private static final Duration ROW_ON_ITS_WAY = Duration.ofSeconds(2);

  @PersistenceContext EntityManager em;
  @Inject TaskDispatch dispatch;
  @Inject TaskSubmissions submissions;

  @Inject
  @JMSConnectionFactory(TaskMessages.CONNECTION_FACTORY)
  JMSContext jms;

  /**
   * Cancels a task. One whose message still waits on its queue (due later, or not yet taken by a
   * worker) is withdrawn from the broker and CANCELLED now; any other unfinished one is marked and
   * every instance is told, so that the one that runs it interrupts its handler, or the one that
   * holds its message ends it CANCELLED without running it.
   */
  public Optional<Task> cancel(String id) {
    submissions.awaitStored(id, ROW_ON_ITS_WAY);
    Task task = em.find(Task.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (task == null) {
      return Optional.empty();
    }
    boolean withdrawn =
        !task.state().isFinal() && task.state() != TaskState.PROCESSING && dispatch.withdraw(task);
    if (task.cancel(Instant.now(), withdrawn)) {
      jms.createProducer()
          .setProperty(TaskMessages.TASK_ID, id)
          .send(jms.createTopic(TaskMessages.CONTROL_TOPIC), "cancel");
    }
    return Optional.ofNullable(task);
  }

  /** A task; one submitted here a moment ago is read once its row is stored. */
  public Optional<Task> find(String id) {
    submissions.awaitStored(id, ROW_ON_ITS_WAY);
    return Optional.ofNullable(em.find(Task.class, id));
  }

  /** The task's failed attempts, oldest first. */
  public List<FailedAttempt> failures(String id) {
    return em.createNamedQuery(FailedAttempt.OF_TASK, FailedAttempt.class)
        .setParameter("taskId", id)
        .getResultList();
  }

  /** Counts and timings of the tasks that match (offset and limit aside). */
  public TaskStats stats(TaskFilter filter) {
    CriteriaBuilder cb = em.getCriteriaBuilder();
    CriteriaQuery<Object[]> query = cb.createQuery(Object[].class);
    Root<Task> task = query.from(Task.class);
    query
        .multiselect(
            task.get("state"),
            task.get("createdAt"),
            task.get("startedAt"),
            task.get("finishedAt"),
            task.get("runAt"))
        .where(matching(cb, task, filter));
    return TaskStats.of(em.createQuery(query).getResultList());
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
    // the id breaks ties of the creation time, so that pages neither repeat nor skip a task
    query
        .where(matching(cb, task, filter))
        .orderBy(cb.desc(task.get("createdAt")), cb.desc(task.get("id")));
    List<Task> items =
        em.createQuery(query)
            .setFirstResult(filter.offset())
            .setMaxResults(filter.limit())
            .getResultList();
    CriteriaQuery<Long> count = cb.createQuery(Long.class);
    Root<Task> counted = count.from(Task.class);
    count.select(cb.count(counted)).where(matching(cb, counted, filter.fromTheStart()));
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
    if (filter.after() != null) {
      Instant at = filter.after().createdAt();
      where.add(
          cb.or(
              cb.lessThan(task.get("createdAt"), at),
              cb.and(
                  cb.equal(task.get("createdAt"), at),
                  cb.lessThan(task.get("id"), filter.after().id()))));
    }
    return where.toArray(Predicate[]::new);
  }

  private static String likePrefix(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }
}
