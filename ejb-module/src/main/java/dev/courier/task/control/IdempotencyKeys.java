package dev.courier.task.control;

import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A submission with a {@code key} that an earlier task took within the retention window ({@code
 * courier.tasks.idempotency-window-seconds}, 24 h by default) is that earlier task, not a new one.
 * Works in the caller's transaction; two racing submissions collide on the key's primary key and
 * the loser's transaction rolls back.
 */
@ApplicationScoped
public class IdempotencyKeys {

  @PersistenceContext EntityManager em;

  @Inject
  @ConfigProperty(name = "courier.tasks.idempotency-window-seconds", defaultValue = "86400")
  long windowSeconds;

  /** The task that holds the key now, if any. */
  public Optional<Task> holder(String key, Instant now) {
    if (key == null) {
      return Optional.empty();
    }
    TaskKey held = em.find(TaskKey.class, key);
    if (held == null || !held.heldAt(now, window())) {
      return Optional.empty();
    }
    return Optional.ofNullable(em.find(Task.class, held.taskId()));
  }

  /**
   * Gives the task its key unless another task holds it; returns that other task then, and the
   * caller must not store or send the new one.
   */
  public Optional<Task> claim(Task task, Instant now) {
    if (task.key() == null) {
      return Optional.empty();
    }
    TaskKey held = em.find(TaskKey.class, task.key(), LockModeType.PESSIMISTIC_WRITE);
    if (held == null) {
      em.persist(new TaskKey(task.key(), task.id(), now));
      return Optional.empty();
    }
    if (held.heldAt(now, window())) {
      Task holder = em.find(Task.class, held.taskId());
      if (holder != null) {
        return Optional.of(holder);
      }
    }
    held.reclaim(task.id(), now);
    return Optional.empty();
  }

  private Duration window() {
    return Duration.ofSeconds(windowSeconds);
  }
}
