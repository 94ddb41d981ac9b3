package dev.courier.task.control;

import dev.courier.task.entity.TaskState;
import jakarta.annotation.Resource;
import jakarta.ejb.Schedule;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps the task store from growing for ever, as Celery's result expiry or BullMQ's
 * removeOnComplete do: every 10 minutes each instance removes the SUCCEEDED and CANCELLED tasks
 * that finished more than {@code courier.tasks.retention-hours} ago (0: keep them), with their
 * failed attempts, and the idempotency keys past their window. DEAD tasks stay until an admin
 * removes them ({@code DELETE /api/tasks?state=DEAD&finishedBefore=...}): their dead letters may
 * still be retried. Removal goes in batches, each a transaction of its own, so that instances
 * sweeping at once or a large backlog of finished tasks never hold long locks.
 */
@Stateless
public class TaskRetention {

  private static final Logger LOG = Logger.getLogger(TaskRetention.class.getName());
  private static final int BATCH = 500;

  @PersistenceContext EntityManager em;
  @Resource SessionContext context;

  @Inject
  @ConfigProperty(name = "courier.tasks.retention-hours", defaultValue = "168")
  long retentionHours;

  @Inject
  @ConfigProperty(name = "courier.tasks.idempotency-window-seconds", defaultValue = "86400")
  long windowSeconds;

  // each batch commits on its own (see removeBatch); the sweep itself holds no transaction
  @Schedule(minute = "*/10", hour = "*", persistent = false)
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void sweep() {
    Instant now = Instant.now();
    if (retentionHours > 0) {
      int removed =
          remove(
              now.minus(Duration.ofHours(retentionHours)),
              Set.of(TaskState.SUCCEEDED, TaskState.CANCELLED));
      if (removed > 0) {
        LOG.info(() -> "removed " + removed + " tasks finished over " + retentionHours + " h ago");
      }
    }
    self().removeExpiredKeys(now.minusSeconds(windowSeconds));
  }

  /** Removes the finished tasks in {@code states} that finished before {@code before}. */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public int remove(Instant before, Set<TaskState> states) {
    if (states.stream().anyMatch(state -> !state.isFinal())) {
      throw new IllegalArgumentException("only finished tasks can be removed: " + states);
    }
    int total = 0;
    Batch batch;
    do {
      batch = self().removeBatch(before, states);
      total += batch.removed();
    } while (batch.found() == BATCH);
    return total;
  }

  /** One batch: the tasks it found to remove, and those it removed. */
  public record Batch(int found, int removed) {}

  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public Batch removeBatch(Instant before, Set<TaskState> states) {
    List<String> ids =
        em.createQuery(
                "select t.id from Task t where t.state in :states and t.finishedAt < :before",
                String.class)
            .setParameter("states", states)
            .setParameter("before", before)
            .setMaxResults(BATCH)
            .getResultList();
    if (ids.isEmpty()) {
      return new Batch(0, 0);
    }
    // the conditions again: a task retried meanwhile (DEAD back to ENQUEUED) stays
    int removed =
        em.createQuery(
                "delete from Task t where t.id in :ids and t.state in :states"
                    + " and t.finishedAt < :before")
            .setParameter("ids", ids)
            .setParameter("states", states)
            .setParameter("before", before)
            .executeUpdate();
    em.createQuery(
            "delete from FailedAttempt f where f.taskId in :ids"
                + " and not exists (select t.id from Task t where t.id = f.taskId)")
        .setParameter("ids", ids)
        .executeUpdate();
    return new Batch(ids.size(), removed);
  }

  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public int removeExpiredKeys(Instant claimedBefore) {
    return em.createQuery("delete from TaskKey k where k.claimedAt < :before")
        .setParameter("before", claimedBefore)
        .executeUpdate();
  }

  private TaskRetention self() {
    return context.getBusinessObject(TaskRetention.class);
  }
}
