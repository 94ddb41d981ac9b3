package dev.courier.task.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;

/**
 * An idempotency key and the task it belongs to. The key is the primary key, so two concurrent
 * submissions with one key cannot both be stored, on one instance or many.
 */
@Entity
@Table(name = "COURIER_TASK_IDEMPOTENCY")
public class TaskKey {

  @Id
  @Column(name = "TASK_KEY", length = 200)
  private String key;

  @Column(nullable = false, length = 36)
  private String taskId;

  @Column(nullable = false)
  private Instant claimedAt;

  protected TaskKey() {}

  public TaskKey(String key, String taskId, Instant claimedAt) {
    this.key = key;
    this.taskId = taskId;
    this.claimedAt = claimedAt;
  }

  public boolean heldAt(Instant now, Duration window) {
    return claimedAt.plus(window).isAfter(now);
  }

  /** The key's window has passed: a new task takes it. */
  public void reclaim(String newTaskId, Instant now) {
    taskId = newTaskId;
    claimedAt = now;
  }

  public String taskId() {
    return taskId;
  }
}
