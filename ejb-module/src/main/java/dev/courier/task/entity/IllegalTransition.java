package dev.courier.task.entity;

import jakarta.ejb.ApplicationException;

/** A task was asked to move to a state that its current state does not lead to. */
@ApplicationException(rollback = true)
public class IllegalTransition extends RuntimeException {

  private final TaskState from;

  public IllegalTransition(String taskId, TaskState from, TaskState to) {
    super("task " + taskId + " is " + from + " and cannot become " + to);
    this.from = from;
  }

  public TaskState from() {
    return from;
  }
}
