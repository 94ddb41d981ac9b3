package dev.courier.task.entity;

import java.util.EnumSet;
import java.util.Set;

/** The closed set of task states; every allowed transition is listed here and nowhere else. */
public enum TaskState {
  SCHEDULED,
  ENQUEUED,
  PROCESSING,
  SUCCEEDED,
  /** The last attempt failed; the broker will redeliver after its back-off. */
  FAILED,
  /**
   * Every attempt failed, or the task could not be run at all; its message is in the dead-letter
   * queue.
   */
  DEAD,
  CANCELLED;

  public Set<TaskState> next() {
    return switch (this) {
      case SCHEDULED -> EnumSet.of(ENQUEUED, PROCESSING, CANCELLED, DEAD);
      case ENQUEUED -> EnumSet.of(PROCESSING, CANCELLED, DEAD);
      // PROCESSING again: the instance died mid-attempt and the broker redelivered the task
      case PROCESSING -> EnumSet.of(PROCESSING, SUCCEEDED, FAILED, DEAD, CANCELLED);
      case FAILED -> EnumSet.of(PROCESSING, DEAD, CANCELLED);
      // only a retry of its dead letter brings a dead task back
      case DEAD -> EnumSet.of(ENQUEUED);
      case SUCCEEDED, CANCELLED -> EnumSet.noneOf(TaskState.class);
    };
  }

  public boolean canMoveTo(TaskState target) {
    return next().contains(target);
  }

  /** No attempt will run: a delivery of a task in this state is acknowledged and dropped. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == DEAD || this == CANCELLED;
  }
}
